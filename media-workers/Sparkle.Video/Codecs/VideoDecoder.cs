using Sparkle.Video.Compositing;

namespace Sparkle.Video.Codecs;

/// <summary>
/// Decodes one sender's frames: H.264 (Annex B access units) with libavcodec, VP8 with libvpx.
/// Bad input is reported as "no picture", never thrown.
/// </summary>
public sealed class VideoDecoder : IDisposable
{
    private readonly IDecoderBackend _backend;
    private bool _disposed;

    public VideoDecoder(VideoCodec codec)
    {
        Codec = codec;
        _backend = codec == VideoCodec.H264 ? new AvCodecDecoder() : new VpxDecoder();
    }

    public VideoCodec Codec { get; }

    public long FramesDecoded { get; private set; }

    public long Errors { get; private set; }

    /// <summary>
    /// Decodes one complete frame. On success <paramref name="picture"/> points into decoder-owned
    /// memory that stays valid until the next call (copy it, e.g. with <see cref="VideoMixer.PushFrame"/>).
    /// </summary>
    public bool Decode(ReadOnlySpan<byte> encodedFrame, out I420View picture)
    {
        picture = default;
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (encodedFrame.IsEmpty)
        {
            return false;
        }

        if (!_backend.Decode(encodedFrame, out picture))
        {
            Errors++;
            return false;
        }

        FramesDecoded++;
        return true;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _backend.Dispose();
        }
    }
}
