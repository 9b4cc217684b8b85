namespace Sparkle.Media.Jitter;

/// <summary>Counters of one jitter buffer (read without locking; approximate while running).</summary>
public readonly record struct JitterStatistics(
    long Pushed,
    long Played,
    long Lost,
    long Late,
    long Duplicates,
    long Overflows,
    int TargetDelayMs,
    double JitterMs);
