namespace Sparkle.Video.Codecs;

public sealed record VideoEncoderSettings(VideoCodec Codec, int Width, int Height)
{
    public int FramesPerSecond { get; init; } = 15;

    public int BitrateKbps { get; init; } = 1200;

    /// <summary>Periodic key frame interval in frames; on-demand key frames (PLI/FIR, joins) come on top.</summary>
    public int KeyFrameInterval { get; init; } = 15 * 10;

    /// <summary>Encoder threads; one keeps CPU use predictable when many meetings share a node.</summary>
    public int Threads { get; init; } = 1;
}
