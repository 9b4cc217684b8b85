namespace Sparkle.Video.Codecs;

public sealed record VideoEncoderSettings(VideoCodec Codec, int Width, int Height)
{
    public int FramesPerSecond { get; init; } = 15;

    public int BitrateKbps { get; init; } = 1200;

    /// <summary>Periodic key frame interval in frames; on-demand key frames (PLI/FIR, joins) come on top.</summary>
    public int KeyFrameInterval { get; init; } = 15 * 10;

    /// <summary>Encoder threads; one keeps CPU use predictable when many meetings share a node.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// H.264 only: cap each slice NAL unit at this many bytes (0 = no cap), so every NAL fits one
    /// RTP packet, as receivers limited to packetization-mode 0 need.
    /// </summary>
    public int MaxNalSize { get; init; }
}
