namespace Sparkle.Media.Video;

/// <summary>How a meeting's video is composed and encoded. Every receiver of the same size, codec and
/// packetization mode shares one encode.</summary>
public sealed record VideoConferenceOptions
{
    public int Width { get; init; } = 1280;
    public int Height { get; init; } = 720;
    public int BitrateKbps { get; init; } = 1200;

    /// <summary>The stream for weak links and small decoders, scaled from the main canvas.</summary>
    public int LowWidth { get; init; } = 640;
    public int LowHeight { get; init; } = 360;
    public int LowBitrateKbps { get; init; } = 400;

    public int FramesPerSecond { get; init; } = 15;

    /// <summary>The largest RTP payload we send: a 1500-byte MTU less IP, UDP, RTP and SRTP.</summary>
    public int MaxPayloadSize { get; init; } = 1200;

    /// <summary>How long a new active speaker must hold before taking the floor slot.</summary>
    public TimeSpan FloorHoldTime { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Between two PLI/FIR to the same sender while its decoder waits for a key frame.</summary>
    public TimeSpan KeyFrameRequestInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Receivers' PLI/FIR are answered with at most one key frame per this interval (a join
    /// gets one at once): a storm of requests must not turn the shared stream into key frames only.</summary>
    public TimeSpan MinKeyFrameInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A sender whose packets stop for this long shows its name instead of a frozen picture.</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The console's preview: at most one JPEG encode per this interval, however many ask.</summary>
    public TimeSpan PreviewMinInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The preview cache's clock (a manual one in tests).</summary>
    public TimeProvider PreviewClock { get; init; } = TimeProvider.System;
}
