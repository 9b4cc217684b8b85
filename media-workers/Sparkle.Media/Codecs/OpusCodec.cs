using Sparkle.Media.Codecs.Native;

namespace Sparkle.Media.Codecs;

/// <summary>Opus at 48 kHz mono, voice mode, in-band FEC on (so a receiver can rebuild a lost frame
/// from the next packet).</summary>
public sealed unsafe class OpusEncoder : IAudioEncoder
{
    private readonly NativeHandle _state;

    public OpusEncoder(int bitrate = 32000, int complexity = 5, int expectedLossPercent = 5)
    {
        var encoder = OpusNative.EncoderCreate(48000, 1, OpusNative.ApplicationVoip, out var error);
        if (encoder == IntPtr.Zero || error != OpusNative.Ok)
        {
            throw new InvalidOperationException($"opus_encoder_create failed ({error}).");
        }
        _state = new NativeHandle(encoder, OpusNative.EncoderDestroy);
        OpusNative.EncoderCtl(encoder, OpusNative.SetBitrateRequest, bitrate);
        OpusNative.EncoderCtl(encoder, OpusNative.SetComplexityRequest, complexity);
        OpusNative.EncoderCtl(encoder, OpusNative.SetInbandFecRequest, 1);
        OpusNative.EncoderCtl(encoder, OpusNative.SetPacketLossPercRequest, expectedLossPercent);
        OpusNative.EncoderCtl(encoder, OpusNative.SetSignalRequest, OpusNative.SignalVoice);
    }

    public int SampleRate => 48000;

    public int Encode(ReadOnlySpan<short> pcm, Span<byte> payload)
    {
        fixed (short* input = pcm)
        fixed (byte* output = payload)
        {
            var written = OpusNative.Encode(_state.DangerousGetHandle(), input, pcm.Length, output, payload.Length);
            return written < 0 ? -1 : written;
        }
    }

    public void Dispose() => _state.Dispose();
}

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
