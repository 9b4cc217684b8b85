using System.Numerics;

namespace Sparkle.Media.Codecs;

/// <summary>A linear-phase polyphase FIR resampler for integer ratios (8, 16 and 48 kHz among
/// themselves). The low-pass is a Blackman-windowed sinc at 0.45 of the lower Nyquist rate. Keeps its
/// filter history between calls, so one instance belongs to one stream; never allocates after
/// construction.</summary>
public sealed class Resampler
{
    private const int TapsPerPhase = 24;
    private const int MaxInput = 5760;

    private readonly int _up;
    private readonly int _down;
    // Stored time-reversed (per phase when upsampling), so each output is a forward dot product of the
    // coefficients with the newest input window, which vectorizes.
    private readonly float[] _coefficients;
    private readonly float[] _history;
    private readonly int _historyLength;
    private int _phase;

    public Resampler(int inputRate, int outputRate)
    {
        if (inputRate <= 0 || outputRate <= 0 || (inputRate % outputRate != 0 && outputRate % inputRate != 0))
        {
            throw new ArgumentException($"Only integer ratios are supported ({inputRate} -> {outputRate}).");
        }
        InputRate = inputRate;
        OutputRate = outputRate;
        _up = outputRate > inputRate ? outputRate / inputRate : 1;
        _down = inputRate > outputRate ? inputRate / outputRate : 1;
        var ratio = Math.Max(_up, _down);
        var taps = ratio == 1 ? 1 : TapsPerPhase * ratio;
        var prototype = Design(taps, ratio);
        if (_up > 1)
        {
            // Phase p uses taps p, p+L, p+2L...; scaled by L to keep the passband gain at 1.
            _coefficients = new float[taps];
            for (var p = 0; p < _up; p++)
            {
                for (var k = 0; k < TapsPerPhase; k++)
                {
                    _coefficients[p * TapsPerPhase + (TapsPerPhase - 1 - k)] = prototype[p + k * _up] * _up;
                }
            }
            _historyLength = TapsPerPhase - 1;
        }
        else
        {
            _coefficients = [.. prototype.Reverse()];
            _historyLength = taps - 1;
        }
        _history = new float[_historyLength + MaxInput];
    }

    public int InputRate { get; }
    public int OutputRate { get; }

    /// <summary>Output samples <paramref name="inputSamples"/> of input yield (for whole frames).</summary>
    public int OutputLength(int inputSamples) => inputSamples * _up / _down;

    /// <summary>Resamples; returns the samples written to <paramref name="output"/>.</summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        if (_up == 1 && _down == 1)
        {
            input.CopyTo(output);
            return input.Length;
        }
        var written = 0;
        while (!input.IsEmpty)
        {
            var chunk = Math.Min(input.Length, MaxInput);
            written += _up > 1
                ? Upsample(input[..chunk], output[written..])
                : Downsample(input[..chunk], output[written..]);
            input = input[chunk..];
        }
        return written;
    }

    private int Upsample(ReadOnlySpan<short> input, Span<short> output)
    {
        var buffer = _history.AsSpan();
        for (var i = 0; i < input.Length; i++)
        {
            buffer[_historyLength + i] = input[i];
        }
        var o = 0;
        for (var n = 0; n < input.Length; n++)
        {
            // Newest sample is at _historyLength + n; the window runs back TapsPerPhase samples.
            var window = buffer.Slice(n, TapsPerPhase);
            for (var p = 0; p < _up; p++)
            {
                output[o++] = Saturate(Dot(_coefficients.AsSpan(p * TapsPerPhase, TapsPerPhase), window));
            }
        }
        buffer.Slice(input.Length, _historyLength).CopyTo(buffer);
        return o;
    }

    private int Downsample(ReadOnlySpan<short> input, Span<short> output)
    {
        var buffer = _history.AsSpan();
        for (var i = 0; i < input.Length; i++)
        {
            buffer[_historyLength + i] = input[i];
        }
        var taps = _coefficients.Length;
        var o = 0;
        var n = _phase;
        for (; n < input.Length; n += _down)
        {
            output[o++] = Saturate(Dot(_coefficients, buffer.Slice(n, taps)));
        }
        _phase = n - input.Length;
        buffer.Slice(input.Length, _historyLength).CopyTo(buffer);
        return o;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var width = Vector<float>.Count;
        var k = 0;
        var acc = Vector<float>.Zero;
        for (; k <= a.Length - width; k += width)
        {
            acc += new Vector<float>(a[k..]) * new Vector<float>(b[k..]);
        }
        var sum = Vector.Sum(acc);
        for (; k < a.Length; k++)
        {
            sum += a[k] * b[k];
        }
        return sum;
    }

    private static short Saturate(float value) =>
        value >= short.MaxValue ? short.MaxValue : value <= short.MinValue ? short.MinValue : (short)MathF.Round(value);

    private static float[] Design(int taps, int ratio)
    {
        var h = new float[taps];
        if (taps == 1)
        {
            h[0] = 1;
            return h;
        }
        // An odd length of 22·ratio + 1 puts the group delay at exactly 11 samples of the low rate;
        // the remaining taps of the polyphase layout stay zero.
        var length = (TapsPerPhase - 2) * ratio + 1;
        var cutoff = 0.45 / ratio; // cycles per sample at the high rate
        var centre = (length - 1) / 2.0;
        double sum = 0;
        for (var i = 0; i < length; i++)
        {
            var x = i - centre;
            var sinc = x == 0 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
            var window = 0.42 - 0.5 * Math.Cos(2 * Math.PI * i / (length - 1)) + 0.08 * Math.Cos(4 * Math.PI * i / (length - 1));
            h[i] = (float)(sinc * window);
            sum += h[i];
        }
        for (var i = 0; i < length; i++)
        {
            h[i] = (float)(h[i] / sum);
        }
        return h;
    }

    /// <summary>Forgets the history (a new talk spurt after a long gap, or a new source).</summary>
    public void Reset()
    {
        Array.Clear(_history);
        _phase = 0;
    }
}
