using Sparkle.Video.Compositing;

namespace Sparkle.Video.Codecs;

/// <summary>
/// Encodes I420 pictures for conferencing: H.264 with libx264 through libavcodec, VP8 with
/// libvpx directly. Real-time settings: no B-frames, no look-ahead, one frame out per picture in.
/// </summary>
public sealed class VideoEncoder : IDisposable
{
    private readonly IEncoderBackend _backend;
    private bool _disposed;

    public VideoEncoder(VideoEncoderSettings settings)
    {
        if (settings.Width % 2 != 0 || settings.Height % 2 != 0 || settings.Width < 16 || settings.Height < 16)
        {
            throw new ArgumentException($"Encoder size {settings.Width}x{settings.Height} must be even and at least 16x16.");
        }

        Settings = settings;
        _backend = settings.Codec == VideoCodec.H264 ? new AvCodecEncoder(settings) : new VpxEncoder(settings);
    }

    public VideoEncoderSettings Settings { get; }

    /// <summary>The last encoded frame (valid until the next call to <see cref="Encode"/>).</summary>
    public ReadOnlySpan<byte> Output => _backend.Output;

    public bool OutputIsKeyFrame => _backend.OutputIsKeyFrame;

    public long FramesEncoded { get; private set; }

    /// <summary>
    /// Encodes one picture (same size as the settings); returns false when the encoder produced no
    /// output for it. <paramref name="forceKeyFrame"/> answers PLI/FIR and new receivers.
    /// </summary>
    public bool Encode(in I420View picture, bool forceKeyFrame = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (picture.Width != Settings.Width || picture.Height != Settings.Height)
        {
            throw new ArgumentException($"Picture is {picture.Width}x{picture.Height}, encoder expects {Settings.Width}x{Settings.Height}.");
        }

        if (!_backend.Encode(picture, forceKeyFrame))
        {
            return false;
        }

        FramesEncoded++;
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
