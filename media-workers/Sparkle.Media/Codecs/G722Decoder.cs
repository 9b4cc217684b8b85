using Sparkle.Media.Codecs.Native;

namespace Sparkle.Media.Codecs;

/// <summary>G.722 decoding; a lost frame repeats the last one, fading, then goes silent.</summary>
public sealed unsafe class G722Decoder : IAudioDecoder
{
    private readonly NativeHandle _state;
    private readonly short[] _last = new short[960];
    private int _lastLength;
    private int _lostInRow;

    public G722Decoder()
    {
        var state = SpanDspNative.G722DecodeInit(IntPtr.Zero, 64000, 0);
        if (state == IntPtr.Zero)
        {
            throw new InvalidOperationException("spandsp g722_decode_init failed.");
        }
        _state = new NativeHandle(state, p => SpanDspNative.G722DecodeFree(p));
    }

    public int SampleRate => 16000;

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        var bytes = Math.Min(payload.Length, pcm.Length / 2);
        int samples;
        fixed (byte* input = payload)
        fixed (short* output = pcm)
        {
            samples = SpanDspNative.G722Decode(_state.DangerousGetHandle(), output, input, bytes);
        }
        _lastLength = Math.Min(samples, _last.Length);
        pcm[.._lastLength].CopyTo(_last);
        _lostInRow = 0;
        return samples;
    }

    public int Conceal(Span<short> pcm, int samples, ReadOnlySpan<byte> nextPayload)
    {
        samples = Math.Min(samples, pcm.Length);
        _lostInRow++;
        var gain = _lostInRow > 3 || _lastLength == 0 ? 0f : 1f / (1 << _lostInRow);
        for (var i = 0; i < samples; i++)
        {
            pcm[i] = _lastLength == 0 ? (short)0 : (short)(_last[i % _lastLength] * gain);
        }
        return samples;
    }

    public void Dispose() => _state.Dispose();
}
