using System.Diagnostics;

namespace Sparkle.Media.Rtp;

/// <summary>One 90 kHz RTP clock for all video of the process (RFC 6184 §5.1, RFC 7741 §4.1). Every
/// shared stream stamps its frames with it, so a receiver moved from one stream to another keeps a
/// continuous timeline; each receiver adds its own random offset.</summary>
public static class MediaClock
{
    public const int VideoClockRate = 90000;

    private static readonly long s_epoch = Stopwatch.GetTimestamp();

    /// <summary>Now on the 90 kHz clock (wraps every 13 hours, as RTP timestamps do).</summary>
    public static uint Video90k => ToVideo90k(Stopwatch.GetTimestamp());

    public static uint ToVideo90k(long stopwatchTimestamp) =>
        unchecked((uint)(Stopwatch.GetElapsedTime(s_epoch, stopwatchTimestamp).Ticks * 9 / 1000));
}
