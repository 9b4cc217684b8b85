using Sparkle.Video.Compositing;

namespace Sparkle.Video.Codecs;

/// <summary>One native decoder library behind <see cref="VideoDecoder"/>.</summary>
internal interface IDecoderBackend : IDisposable
{
    bool Decode(ReadOnlySpan<byte> encodedFrame, out I420View picture);
}
