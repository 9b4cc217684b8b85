using Sparkle.Media.Codecs;

namespace Sparkle.Media.Mixing;

/// <summary>Turns a 48 kHz mix frame into one encoded frame of a codec: resample, then encode. One
/// instance per shared stream (per codec) and one per active speaker.</summary>
internal sealed class MixEncoder : IDisposable
{
    private readonly Resampler _resampler;
    private readonly IAudioEncoder _encoder;
    private readonly short[] _pcm;
    private readonly byte[] _payload = new byte[1500];
    private int _length;

    public MixEncoder(AudioCodec codec)
    {
        Codec = codec;
        _resampler = new Resampler(MixerOptions.MixRate, codec.SampleRate());
        _encoder = codec.CreateEncoder();
        _pcm = new short[codec.SampleRate() / 1000 * MixerOptions.FrameMs];
        RtpTicks = (uint)(codec.RtpClockRate() / 1000 * MixerOptions.FrameMs);
    }

    public AudioCodec Codec { get; }
    public uint RtpTicks { get; }

    /// <summary>The last encoded frame (empty if encoding failed).</summary>
    public ReadOnlySpan<byte> LastPayload => _payload.AsSpan(0, _length);

    /// <summary>Encodes the frame; the result stays valid until the next call.</summary>
    public ReadOnlySpan<byte> Encode(ReadOnlySpan<short> mix48k)
    {
        var samples = _resampler.Process(mix48k, _pcm);
        _length = Math.Max(0, _encoder.Encode(_pcm.AsSpan(0, samples), _payload));
        return LastPayload;
    }

    public void Dispose() => _encoder.Dispose();
}
