using Sparkle.Media.Rtp;

namespace Sparkle.MediaWorker.Telemetry;

/// <summary>A leg's receive counters at the previous sample, so that each sample's loss covers only its
/// own interval (RFC 3550 A.3's fraction lost, computed over our sample period instead of the RTCP one).</summary>
public sealed class LegQualityWindow
{
    private RtpReceiverStats? _stats;
    private long _expected;
    private long _received;

    /// <summary>The fraction lost since the last sample, or null when no packet was expected (silence)
    /// or the stream restarted with a new codec.</summary>
    public double? SampleLoss(RtpReceiverStats stats)
    {
        var expected = stats.Expected;
        var received = stats.PacketsReceived;
        // The first sample covers the leg from its start; a replaced stream (new codec) starts a new baseline.
        var sameStream = (_stats is null || ReferenceEquals(stats, _stats)) && expected >= _expected;
        var expectedInterval = expected - _expected;
        var receivedInterval = received - _received;
        _stats = stats;
        _expected = expected;
        _received = received;
        if (!sameStream || expectedInterval <= 0)
        {
            return null;
        }
        // Duplicates can make more arrive than was expected: that is no loss.
        return Math.Max(0, expectedInterval - receivedInterval) / (double)expectedInterval;
    }
}
