using System.Diagnostics;

namespace Sparkle.Media.Transport;

/// <summary>When a leg's next RTCP report is due: about every 5 s, randomized by ±50% as RFC 3550 §6.2
/// asks so that many legs do not report in step.</summary>
internal sealed class RtcpSchedule
{
    private long _next;

    /// <summary>True when a report is due at <paramref name="now"/> (a Stopwatch timestamp), and then the
    /// next one is scheduled; the first call only starts the clock.</summary>
    public bool IsDue(long now)
    {
        if (_next != 0 && now < _next)
        {
            return false;
        }
        var first = _next == 0;
        _next = now + (long)(Stopwatch.Frequency * (2.5 + Random.Shared.NextDouble() * 5.0));
        return !first;
    }
}
