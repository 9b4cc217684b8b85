using Sparkle.Grains.Media;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Meetings;

/// <summary>Browsers joining through the API (joinMeetingWebRtc): the meeting grain decides as for a SIP call, with
/// the signed-in user as the participant; the worker's WebRTC leg reports failure or a closed connection.</summary>
[Collection(ClusterCollection.Name)]
public sealed class WebRtcJoinTests(ClusterFixture fixture)
{
    private const string BrowserOffer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";

    private FakeMediaWorker Worker => fixture.Worker;

    private async Task<(TestTenant T, IMeetingGrain Meeting)> MeetingAsync()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await meeting.CreateAsync(t.Chair, new MeetingSpec("Browsers", []));
        await meeting.StartAsync(t.Chair);
        return (t, meeting);
    }

    private static JoinRequest Browser(string number, string offer = BrowserOffer) =>
        new($"webrtc-{Guid.NewGuid():N}", "", null, number, offer, new LegSecurity(true, true), null, WebRtc: true);

    [Fact]
    public async Task ABrowserJoinsAsTheSignedInUserAtTheirSipAddressWithAWebRtcLeg()
    {
        var (t, meeting) = await MeetingAsync();

        var result = await meeting.JoinAsync(t.Member, Browser("1004"));

        Assert.True(result.Accepted, result.Reason);
        Assert.Equal(FakeMediaWorker.AnswerFor(result.ParticipantId!), result.LocalSdp);
        var request = Assert.Single(Worker.Allocations, a => a.ParticipantId == result.ParticipantId && a.MeetingId == meeting.GetPrimaryKey());
        Assert.True(request.WebRtc);
        Assert.Equal(BrowserOffer, request.RemoteSdp);
        var participant = (await meeting.GetAsync(t.Chair))!.Participants.Single(p => p.ParticipantId == result.ParticipantId);
        Assert.Equal(CallState.Connected, participant.State);
        Assert.Equal("1004", participant.UserNumber);
        Assert.Equal($"sip:1004@{t.Domain}", participant.Uri);
    }

    [Fact]
    public async Task OnlyTheUserThemselvesJoinsFromABrowser()
    {
        var (t, meeting) = await MeetingAsync();

        var asSomeoneElse = await meeting.JoinAsync(t.Member, Browser("1005"));
        var asTheSystem = await meeting.JoinAsync(t.System, Browser("1004"));
        var withoutOffer = await meeting.JoinAsync(t.Member, Browser("1004") with { RemoteSdp = null });

        Assert.Equal(JoinRefusal.Forbidden, asSomeoneElse.Refusal);
        Assert.Equal(JoinRefusal.Forbidden, asTheSystem.Refusal);
        Assert.Equal(JoinRefusal.Forbidden, withoutOffer.Refusal);
        Assert.DoesNotContain((await meeting.GetAsync(t.Chair))!.Participants, p => p.HasLeg());
    }

    [Fact]
    public async Task ARefusedOfferGivesTheWorkersReasonAndLeavesNoParticipantInACall()
    {
        var (t, meeting) = await MeetingAsync();

        var result = await meeting.JoinAsync(t.Member, Browser("1004", "v=0\r\nreject\r\n"));

        Assert.Equal(JoinRefusal.NotAcceptable, result.Refusal);
        Assert.Equal("NoSupportedCodec", result.ReasonCode);
        Assert.DoesNotContain((await meeting.GetAsync(t.Chair))!.Participants, p => p.HasLeg());
    }

    [Fact]
    public async Task AFailedLegIsMarkedFailedAndAClosedOneDeparted()
    {
        var (t, meeting) = await MeetingAsync();
        var failed = (await meeting.JoinAsync(t.Member, Browser("1004"))).ParticipantId!;
        var closed = (await meeting.JoinAsync(t.OtherMember, Browser("1005"))).ParticipantId!;

        await meeting.OnMediaEventAsync(new MediaEvent(meeting.GetPrimaryKey(), failed, MediaEventKind.LegFailed, "no valid ICE connectivity check within 10 s"));
        await meeting.OnMediaEventAsync(new MediaEvent(meeting.GetPrimaryKey(), closed, MediaEventKind.LegClosed, null));

        var participants = (await meeting.GetAsync(t.Chair))!.Participants;
        Assert.Equal(CallState.Disconnected, participants.Single(p => p.ParticipantId == failed).State);
        Assert.Equal(DisconnectionMethod.Failed, participants.Single(p => p.ParticipantId == failed).DisconnectionMethod);
        Assert.Equal(DisconnectionMethod.Departed, participants.Single(p => p.ParticipantId == closed).DisconnectionMethod);
        Assert.Contains(Worker.Releases, r => r.MeetingId == meeting.GetPrimaryKey() && r.ParticipantId == failed);
        Assert.Contains(Worker.Releases, r => r.MeetingId == meeting.GetPrimaryKey() && r.ParticipantId == closed);
    }
}

internal static class ParticipantSnapshotExtensions
{
    public static bool HasLeg(this ParticipantSnapshot p) =>
        p.State is CallState.DialingIn or CallState.DialingOut or CallState.Alerting or CallState.Connected or CallState.OnHold;
}
