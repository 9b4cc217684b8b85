using Sparkle.Media.Codecs.Native;

namespace Sparkle.Media.Codecs;

/// <summary>G.711 decoding with spandsp's pitch-based concealment (in the spirit of G.711 Appendix I)
/// for lost frames.</summary>
public sealed unsafe class G711Decoder : IAudioDecoder
{
    private readonly bool _aLaw;
    private readonly NativeHandle _plc;

    public G711Decoder(bool aLaw)
    {
        _aLaw = aLaw;
        var state = SpanDspNative.PlcInit(IntPtr.Zero);
        if (state == IntPtr.Zero)
        {
            throw new InvalidOperationException("spandsp plc_init failed.");
        }
        _plc = new NativeHandle(state, p => SpanDspNative.PlcFree(p));
    }

    public int SampleRate => 8000;

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        var samples = Math.Min(payload.Length, pcm.Length);
        G711.Decode(payload[..samples], pcm, _aLaw);
        fixed (short* p = pcm)
        {
            SpanDspNative.PlcRx(_plc.DangerousGetHandle(), p, samples);
        }
        return samples;
    }

    public int Conceal(Span<short> pcm, int samples, ReadOnlySpan<byte> nextPayload)
    {
        samples = Math.Min(samples, pcm.Length);
        fixed (short* p = pcm)
        {
            SpanDspNative.PlcFillIn(_plc.DangerousGetHandle(), p, samples);
        }
        return samples;
    }

    public void Dispose() => _plc.Dispose();
}
