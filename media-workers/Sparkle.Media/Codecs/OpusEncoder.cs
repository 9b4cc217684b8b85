using Sparkle.Media.Codecs.Native;

namespace Sparkle.Media.Codecs;

/// <summary>Opus mono, voice mode, at 48 kHz unless told (8, 12, 16 and 24 kHz input too: the recorder
/// encodes a leg's own audio at its codec rate), in-band FEC on (so a receiver can rebuild a lost frame
/// from the next packet).</summary>
public sealed unsafe class OpusEncoder : IAudioEncoder
{
    private readonly NativeHandle _state;

    public OpusEncoder(int bitrate = 32000, int complexity = 5, int expectedLossPercent = 5, int sampleRate = 48000)
    {
        SampleRate = sampleRate;
        var encoder = OpusNative.EncoderCreate(sampleRate, 1, OpusNative.ApplicationVoip, out var error);
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

    public int SampleRate { get; }

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
