using Sparkle.Media.Codecs.Native;

namespace Sparkle.Media.Codecs;

public sealed unsafe class OpusDecoder : IAudioDecoder
{
    private readonly NativeHandle _state;

    public OpusDecoder()
    {
        var decoder = OpusNative.DecoderCreate(48000, 1, out var error);
        if (decoder == IntPtr.Zero || error != OpusNative.Ok)
        {
            throw new InvalidOperationException($"opus_decoder_create failed ({error}).");
        }
        _state = new NativeHandle(decoder, OpusNative.DecoderDestroy);
    }

    public int SampleRate => 48000;

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        if (payload.IsEmpty)
        {
            return -1;
        }
        fixed (byte* input = payload)
        fixed (short* output = pcm)
        {
            var samples = OpusNative.Decode(_state.DangerousGetHandle(), input, payload.Length, output, pcm.Length, 0);
            return samples < 0 ? -1 : samples;
        }
    }

    public int Conceal(Span<short> pcm, int samples, ReadOnlySpan<byte> nextPayload)
    {
        samples = Math.Min(samples, pcm.Length);
        fixed (byte* next = nextPayload)
        fixed (short* output = pcm)
        {
            // With the next packet at hand, its FEC copy rebuilds this frame; otherwise Opus' own PLC.
            var decoded = nextPayload.IsEmpty
                ? OpusNative.Decode(_state.DangerousGetHandle(), null, 0, output, samples, 0)
                : OpusNative.Decode(_state.DangerousGetHandle(), next, nextPayload.Length, output, samples, 1);
            if (decoded < 0)
            {
                pcm[..samples].Clear();
                return samples;
            }
            return decoded;
        }
    }

    public void Dispose() => _state.Dispose();
}
