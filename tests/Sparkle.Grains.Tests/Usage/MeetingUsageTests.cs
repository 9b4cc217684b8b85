using Sparkle.Grains.Identity;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Tests.Infrastructure;
using Sparkle.Grains.Usage;

namespace Sparkle.Grains.Tests.Usage;

/// <summary>A meeting writes a usage record when a participant's leg ends (leaving, or the meeting ending), with the
/// quality its media worker measured, through the silo's writer into the real ledger; a call that never connected is
/// not billed.</summary>
[Collection(UsageCollection.Name)]
public sealed class MeetingUsageTests(UsageFixture fixture)
{
    [Fact]
    public async Task LegsThatEndAreRecordedWithTheWorkersQualityAndCallsThatNeverConnectedAreNot()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var meetingId = Guid.NewGuid();
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(meetingId);
        await meeting.CreateAsync(t.System, new MeetingSpec("Usage", [new PlannedParticipant("1004")]));
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);

        var alice = await JoinAsync(meeting, t, "sips:alice@example.test", "Alice", "v=0\r\n");
        var bob = await JoinAsync(meeting, t, "sip:bob@example.test;transport=tcp", "Bob", "v=0\r\n");
        var offerless = await JoinAsync(meeting, t, "sip:carol@example.test", "Carol", null); // waits for its ACK
        fixture.Worker.Qualities[(meetingId, alice)] = new LegQuality(1000, 20, 0.02, 10, "opus", "VP8", true, "rtp");
        fixture.Worker.Qualities[(meetingId, bob)] = new LegQuality(500, 0, 0, 0, "PCMU", null, false, "rtp");

        await meeting.LeaveAsync(t.System, alice, DisconnectionMethod.Departed);
        await meeting.LeaveAsync(t.System, offerless, DisconnectionMethod.Departed); // never connected: no record
        await meeting.EndAsync(t.Owner); // Bob's leg ends with the meeting

        var legs = await Eventually.WaitAsync(
            async () => (await fixture.Ledger.QueryLegsAsync(t.Id, since, DateTimeOffset.UtcNow.AddMinutes(1), 50, null)).Items,
            items => items.Count >= 2, "both legs' records");
        await Task.Delay(200); // a third (wrong) record would be written by now
        legs = (await fixture.Ledger.QueryLegsAsync(t.Id, since, DateTimeOffset.UtcNow.AddMinutes(1), 50, null)).Items;
        Assert.Equal(2, legs.Count);

        var a = Assert.Single(legs, l => l.ParticipantId == alice);
        Assert.Equal((meetingId, "sips:alice@example.test", "Alice", LegDirection.DialIn, "tls"), (a.MeetingId, a.Uri, a.DisplayName, a.Direction, a.Transport));
        Assert.Equal(("opus", "VP8", true, 1000L, 20L, 0.02, 10.0), (a.AudioCodec, a.VideoCodec, a.Srtp, a.PacketsReceived, a.PacketsLost, a.LossFraction, a.JitterMs));
        Assert.Equal(MeanOpinionScore.Estimate("opus", 0.02, 10), a.Mos);
        Assert.Null(a.ImsChargingId);
        Assert.InRange(a.DurationSeconds, 0, 5);
        Assert.True(a.EndedAt >= a.StartedAt);

        var b = Assert.Single(legs, l => l.ParticipantId == bob);
        Assert.Equal(("tcp", "PCMU", (string?)null, false, 4.37), (b.Transport, b.AudioCodec, b.VideoCodec, b.Srtp, b.Mos));
        Assert.True(b.EndedAt >= a.EndedAt);
    }

    private static async Task<string> JoinAsync(IMeetingGrain meeting, TestTenant t, string uri, string name, string? sdp)
    {
        var joined = await meeting.JoinAsync(t.System, new JoinRequest($"call-{Guid.NewGuid():N}", uri, name, null, sdp,
            new LegSecurity(false, false), null));
        Assert.Equal(JoinRefusal.None, joined.Refusal);
        return joined.ParticipantId!;
    }
}
