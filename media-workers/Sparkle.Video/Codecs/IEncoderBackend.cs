using Sparkle.Video.Compositing;

namespace Sparkle.Video.Codecs;

/// <summary>One native encoder library behind <see cref="VideoEncoder"/>.</summary>
internal interface IEncoderBackend : IDisposable
{
    ReadOnlySpan<byte> Output { get; }

    bool OutputIsKeyFrame { get; }

    bool Encode(in I420View picture, bool forceKeyFrame);
}
