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
