using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Usage;

namespace Sparkle.Grains.Tests.Usage;

/// <summary>What goes into a leg's record: direction, transport, duration to the second, the MOS of the simplified
/// E-model (figures worked by hand from G.107's formulas), and a stable id.</summary>
public sealed class LegUsageTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    // G.711 with concealment (Ie 0, Bpl 25.1); delay 20 + 0 + 40 + 20 = 80 ms: Id 1.92, R 91.28.
    [InlineData("PCMU", 0.0, 0.0, 4.37)]
    // 5 % loss: Ie,eff = 95 * 5 / (5 + 25.1) = 15.78, R 75.50.
    [InlineData("PCMA", 0.05, 0.0, 3.84)]
    // 1 % loss, 30 ms jitter (buffer 60 ms, delay 100 ms): R 88.12.
    [InlineData("PCMU", 0.01, 30.0, 4.26)]
    // Opus (Ie 0, Bpl 20, look-ahead 6.5 ms), 2 % loss, 10 ms jitter.
    [InlineData("opus", 0.02, 10.0, 4.11)]
    // Half the packets lost, 200 ms jitter: R below 0, the floor.
    [InlineData("G722", 0.5, 200.0, 1.0)]
    public void TheEstimatedMosFollowsTheSimplifiedEModel(string codec, double loss, double jitter, double mos) =>
        Assert.Equal(mos, MeanOpinionScore.Estimate(codec, loss, jitter));

    [Fact]
    public void TheMosScaleOfG107AnnexB()
    {
        Assert.Equal(1, MeanOpinionScore.FromR(-5));
        Assert.Equal(4.5, MeanOpinionScore.FromR(120));
        Assert.Equal(4.41, Math.Round(MeanOpinionScore.FromR(93.2), 2));
        Assert.Null(MeanOpinionScore.Estimate(null, 0, 0));
    }

    [Theory]
    [InlineData("sips:a@example.test", "tls")]
    [InlineData("sip:a@example.test;transport=TCP", "tcp")]
    [InlineData("<sip:a@example.test;transport=tls>", "tls")]
    [InlineData("sip:a@example.test", "udp")]
    [InlineData("sip:a@example.test;transport=sctp", "udp")]
    [InlineData("+4930123456", "udp")]
    public void TheSignallingTransportComesFromTheUri(string uri, string transport) =>
        Assert.Equal(transport, LegUsage.SignallingTransportOf(uri));

    [Fact]
    public void DirectionAndDurationToTheSecond()
    {
        var meeting = Guid.NewGuid();
        var dialOut = new ParticipantRecord { Id = "p1", Uri = "sip:+4930123@trunk.test", JoiningMethod = JoiningMethod.DialedOut };
        var record = LegUsage.Build(Guid.NewGuid(), meeting, dialOut, Start, Start.AddSeconds(61.6), null);
        Assert.Equal((LegDirection.DialOut, 62, "udp", false), (record.Direction, record.DurationSeconds, record.Transport, record.Srtp));
        Assert.Null(record.Mos);
        Assert.Null(record.PacketsReceived);

        var browser = new ParticipantRecord { Id = "p2", Uri = "sip:1004@t.test", JoiningMethod = JoiningMethod.DialedIn };
        var webRtc = LegUsage.Build(Guid.NewGuid(), meeting, browser, Start, Start.AddSeconds(10),
            new LegQuality(100, 0, 0, 1, "opus", "VP8", true, "webrtc"));
        Assert.Equal((LegDirection.WebRtc, "webrtc", true, 10), (webRtc.Direction, webRtc.Transport, webRtc.Srtp, webRtc.DurationSeconds));

        // A clock step back never makes a negative leg.
        Assert.Equal(0, LegUsage.Build(Guid.NewGuid(), meeting, browser, Start, Start.AddSeconds(-3), null).DurationSeconds);
    }

    [Fact]
    public void TheSameLegAlwaysGetsTheSameId()
    {
        var meeting = Guid.NewGuid();
        Assert.Equal(LegUsage.LegIdOf(meeting, "p1", Start), LegUsage.LegIdOf(meeting, "p1", Start));
        Assert.NotEqual(LegUsage.LegIdOf(meeting, "p1", Start), LegUsage.LegIdOf(meeting, "p1", Start.AddTicks(10)));
        Assert.NotEqual(LegUsage.LegIdOf(meeting, "p1", Start), LegUsage.LegIdOf(meeting, "p2", Start));
    }
}
