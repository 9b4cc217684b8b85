namespace Sparkle.Media.Recording;

/// <summary>How a recorder cuts and encodes (the worker binds these from <c>Media:Recording</c>).</summary>
public sealed record RecorderOptions
{
    /// <summary>Where files are written while they are being recorded.</summary>
    public string WorkFolder { get; init; } = Path.Combine(Path.GetTempPath(), "sparkle-recording");

    /// <summary>A part is closed at the first key frame once it holds about this much (payload bytes).</summary>
    public long PartMaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>... or once it is this long.</summary>
    public double PartMaxSeconds { get; init; } = 300;

    /// <summary>Opus bitrate of the meeting's mix and of utterances.</summary>
    public int OpusBitrate { get; init; } = 48000;

    /// <summary>Silence that ends an utterance.</summary>
    public int UtteranceHangoverMs { get; init; } = 400;

    /// <summary>Audio kept from before the first voiced frame.</summary>
    public int UtterancePreRollMs { get; init; } = 200;

    /// <summary>Voice shorter than this (first to last voiced frame) is not an utterance.</summary>
    public int UtteranceMinMs { get; init; } = 300;

    /// <summary>A monologue is cut at the first pause after <see cref="UtteranceSplitAfterSeconds"/>, and
    /// at this length regardless.</summary>
    public double UtteranceMaxSeconds { get; init; } = 60;

    public double UtteranceSplitAfterSeconds { get; init; } = 45;

    /// <summary>The queue between the media threads and the recorder thread: its first size and the most
    /// it may grow to while the writer is behind (then entries are refused, counted and logged).</summary>
    public int QueueInitialBytes { get; init; } = 2 * 1024 * 1024;

    public int QueueMaxBytes { get; init; } = 64 * 1024 * 1024;
}
