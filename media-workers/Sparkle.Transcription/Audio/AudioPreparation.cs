using Sparkle.Media.Codecs;

namespace Sparkle.Transcription.Audio;

/// <summary>Turns PCM of any rate and channel count into what an engine takes: mono at its rate (16 kHz),
/// with the conditioning steps of <see cref="PreparationOptions"/>. Whole utterances, not streams.</summary>
public static class AudioPreparation
{
    /// <summary>Interleaved 16-bit PCM at <paramref name="sampleRate"/> with <paramref name="channels"/>
    /// channels to mono at <paramref name="targetRate"/>, conditioned.</summary>
    public static short[] Prepare(ReadOnlySpan<short> interleaved, int sampleRate, int channels,
        PreparationOptions? options = null, int targetRate = 16000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1000);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetRate, 1000);
        options ??= PreparationOptions.Default;
        var mono = Downmix(interleaved, channels);
        var signal = Resample(mono, sampleRate, targetRate);
        if (options.RemoveDc)
        {
            RemoveDc(signal, targetRate);
        }
        if (options.PreEmphasis)
        {
            PreEmphasise(signal, 0.97f);
        }
        if (options.NormaliseGain)
        {
            NormaliseGain(signal, targetRate, options.TargetRmsDbfs, options.MaxGainDb);
        }
        return ToPcm(signal);
    }

    internal static float[] Downmix(ReadOnlySpan<short> interleaved, int channels)
    {
        var frames = interleaved.Length / channels;
        var mono = new float[frames];
        for (var i = 0; i < frames; i++)
        {
            var sum = 0f;
            for (var c = 0; c < channels; c++)
            {
                sum += interleaved[i * channels + c];
            }
            mono[i] = sum / channels;
        }
        return mono;
    }

    /// <summary>Integer ratios (8, 16, 32, 48 kHz...) through Sparkle.Media's polyphase resampler, the one
    /// the mixer uses; other rates (44.1, 22.05 kHz) through a windowed-sinc interpolator.</summary>
    internal static float[] Resample(float[] input, int inputRate, int outputRate)
    {
        if (inputRate == outputRate)
        {
            return input;
        }
        if (inputRate % outputRate == 0 || outputRate % inputRate == 0)
        {
            var resampler = new Resampler(inputRate, outputRate);
            // The filter delays by 11 samples of the lower rate. Feed that much silence after the input so
            // the tail comes out, and drop it at the start: output n lines up with input time n / outputRate.
            var up = Math.Max(1, outputRate / inputRate);
            var down = Math.Max(1, inputRate / outputRate);
            var delay = 11 * up;
            var padded = new short[input.Length + 12 * down];
            ToPcm(input).CopyTo(padded, 0);
            var output = new short[resampler.OutputLength(padded.Length) + 1];
            var written = resampler.Process(padded, output);
            var length = (int)((long)input.Length * outputRate / inputRate);
            var result = new float[length];
            for (var i = 0; i < length && i + delay < written; i++)
            {
                result[i] = output[i + delay];
            }
            return result;
        }
        return SincResample(input, inputRate, outputRate);
    }

    private static float[] SincResample(float[] input, int inputRate, int outputRate)
    {
        const int halfTaps = 16;
        var length = (int)((long)input.Length * outputRate / inputRate);
        var output = new float[length];
        var step = (double)inputRate / outputRate;
        // Cut-off at 0.45 of the lower rate, as Sparkle.Media's resampler.
        var cutoff = 0.45 * Math.Min(inputRate, outputRate) / inputRate; // cycles per input sample
        var reach = (int)Math.Ceiling(halfTaps / (2 * cutoff) / 2); // input samples either side
        for (var n = 0; n < length; n++)
        {
            var t = n * step;
            var centre = (int)Math.Floor(t);
            double sum = 0, weights = 0;
            for (var k = centre - reach + 1; k <= centre + reach; k++)
            {
                var x = t - k;
                var sinc = Math.Abs(x) < 1e-9 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
                var w = 0.42 + 0.5 * Math.Cos(Math.PI * x / reach) + 0.08 * Math.Cos(2 * Math.PI * x / reach);
                var h = sinc * w;
                weights += h;
                if (k >= 0 && k < input.Length)
                {
                    sum += h * input[k];
                }
            }
            output[n] = (float)(sum / weights);
        }
        return output;
    }

    /// <summary>One-pole DC blocker, corner about 20 Hz.</summary>
    internal static void RemoveDc(Span<float> signal, int sampleRate)
    {
        var r = (float)(1 - 2 * Math.PI * 20 / sampleRate);
        float previousIn = 0, previousOut = 0;
        for (var i = 0; i < signal.Length; i++)
        {
            var x = signal[i];
            var y = x - previousIn + r * previousOut;
            previousIn = x;
            previousOut = y;
            signal[i] = y;
        }
    }

    internal static void PreEmphasise(Span<float> signal, float alpha)
    {
        for (var i = signal.Length - 1; i > 0; i--)
        {
            signal[i] -= alpha * signal[i - 1];
        }
    }

    /// <summary>Gain to bring the RMS of the louder half of 20 ms frames (speech, not the pauses) to the
    /// target, capped by the peak and by the maximum gain.</summary>
    internal static void NormaliseGain(Span<float> signal, int sampleRate, double targetRmsDbfs, double maxGainDb)
    {
        var frame = sampleRate / 50;
        var frames = signal.Length / frame;
        if (frames == 0)
        {
            return;
        }
        var energies = new double[frames];
        var peak = 0f;
        for (var f = 0; f < frames; f++)
        {
            double sum = 0;
            foreach (var s in signal.Slice(f * frame, frame))
            {
                sum += (double)s * s;
                peak = Math.Max(peak, Math.Abs(s));
            }
            energies[f] = sum / frame;
        }
        Array.Sort(energies);
        double loud = 0;
        for (var f = frames / 2; f < frames; f++)
        {
            loud += energies[f];
        }
        var rms = Math.Sqrt(loud / (frames - frames / 2));
        if (rms < 1 || peak < 1)
        {
            return;
        }
        var target = 32768 * Math.Pow(10, targetRmsDbfs / 20);
        var gain = Math.Min(target / rms, Math.Pow(10, maxGainDb / 20));
        gain = Math.Min(gain, 32000 / peak);
        foreach (ref var s in signal)
        {
            s = (float)(s * gain);
        }
    }

    internal static short[] ToPcm(ReadOnlySpan<float> signal)
    {
        var pcm = new short[signal.Length];
        for (var i = 0; i < signal.Length; i++)
        {
            var v = MathF.Round(signal[i]);
            pcm[i] = v >= short.MaxValue ? short.MaxValue : v <= short.MinValue ? short.MinValue : (short)v;
        }
        return pcm;
    }
}
