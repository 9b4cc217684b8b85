using Sparkle.Grains.Identity;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Meetings;

/// <summary>PIN-protected meetings: uninvited callers wait in a lobby until they key the PIN by DTMF.
/// The media worker and gateway are test doubles; what the grain tells them is what is checked.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PinLobbyTests(ClusterFixture fixture)
{
    private const string Offer = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n";
    private const string Pin = "2468";

    private static JoinRequest DialIn(string? number) =>
        new($"call-{Guid.NewGuid():N}", $"sip:{number ?? "guest"}@example.test", "Caller", number, Offer, new LegSecurity(false, false), "gw-1");

    private async Task<(TestTenant T, IMeetingGrain Meeting)> PinMeetingAsync(params PlannedParticipant[] planned)
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await meeting.CreateAsync(t.Chair, new MeetingSpec("Board", planned, Pin: Pin));
        return (t, meeting);
    }

    private async Task KeyAsync(IMeetingGrain meeting, string participantId, string digits)
    {
        foreach (var digit in digits)
        {
            await meeting.OnMediaEventAsync(new MediaEvent(meeting.GetPrimaryKey(), participantId, MediaEventKind.Dtmf, digit.ToString()));
        }
    }

    private LegControl LastControl(IMeetingGrain meeting, string participantId) =>
        fixture.Worker.Controls.Last(c => c.MeetingId == meeting.GetPrimaryKey() && c.ParticipantId == participantId).Control;

    private static async Task<ParticipantSnapshot> ParticipantAsync(IMeetingGrain meeting, TestTenant t, string id) =>
        (await meeting.GetAsync(t.Chair))!.Participants.Single(p => p.ParticipantId == id);

    [Fact]
    public async Task AGuestWaitsInTheLobbyUntilThePinIsKeyed()
    {
        var (t, meeting) = await PinMeetingAsync();
        var join = await meeting.JoinAsync(t.System, DialIn(null));
        Assert.True(join.Accepted, join.Reason);
        var id = join.ParticipantId!;

        Assert.True((await ParticipantAsync(meeting, t, id)).InLobby);
        var lobby = LastControl(meeting, id);
        Assert.True(lobby.Muted);
        Assert.False(lobby.Listening);

        // A wrong try, '*' to start over, then the right PIN.
        await KeyAsync(meeting, id, "1111#");
        Assert.True((await ParticipantAsync(meeting, t, id)).InLobby);
        await KeyAsync(meeting, id, "99*" + Pin + "#");

        var admitted = await ParticipantAsync(meeting, t, id);
        Assert.False(admitted.InLobby);
        Assert.Equal(CallState.Connected, admitted.State);
        var control = LastControl(meeting, id);
        Assert.False(control.Muted);
        Assert.True(control.Listening);

        // The digits never reach the event stream (GraphQL, webhooks, conference package all read it).
        var events = await meeting.GetEventsSinceAsync(t.Chair, 0);
        Assert.DoesNotContain(events, e => e.Kind == MeetingEventKind.DtmfReceived);
    }

    [Fact]
    public async Task APinKeyedInSipInfoAdmitsTooAndOnlyTheGatewayRelaysDigits()
    {
        var (t, meeting) = await PinMeetingAsync();
        var id = (await meeting.JoinAsync(t.System, DialIn(null))).ParticipantId!;

        await Assert.ThrowsAsync<AccessDeniedException>(() => meeting.SignalledDigitsAsync(t.Chair, id, "2"));
        foreach (var digit in Pin + "#")
        {
            await meeting.SignalledDigitsAsync(t.System, id, digit.ToString());
        }

        Assert.False((await ParticipantAsync(meeting, t, id)).InLobby);
        Assert.True(LastControl(meeting, id).Listening);

        // Once admitted, keypad digits are events (keypad controls), as RFC 4733 ones are.
        await meeting.SignalledDigitsAsync(t.System, id, "5");
        var events = await meeting.GetEventsSinceAsync(t.Chair, 0);
        Assert.Equal("5", Assert.Single(events, e => e.Kind == MeetingEventKind.DtmfReceived).Detail);
    }

    [Fact]
    public async Task StarSixTogglesOnesOwnMuteButCannotOverrideTheChair()
    {
        var (t, meeting) = await PinMeetingAsync();
        var id = (await meeting.JoinAsync(t.System, DialIn(null))).ParticipantId!;
        await KeyAsync(meeting, id, Pin + "#");
        Assert.False((await ParticipantAsync(meeting, t, id)).Muted);

        await KeyAsync(meeting, id, "*6");
        Assert.True((await ParticipantAsync(meeting, t, id)).Muted);
        Assert.True(LastControl(meeting, id).Muted);
        await meeting.SignalledDigitsAsync(t.System, id, "*");
        await meeting.SignalledDigitsAsync(t.System, id, "6");
        Assert.False((await ParticipantAsync(meeting, t, id)).Muted);
        Assert.False(LastControl(meeting, id).Muted);

        // A 6 without the star, or a star then another key, is no command.
        await KeyAsync(meeting, id, "6*56");
        Assert.False((await ParticipantAsync(meeting, t, id)).Muted);

        // The chair withdraws speaking rights and mutes: the keypad cannot unmute.
        await meeting.SetSpeakingAllowedAsync(t.Chair, id, false);
        await meeting.SetMutedAsync(t.Chair, id, true);
        await KeyAsync(meeting, id, "*6");
        Assert.True((await ParticipantAsync(meeting, t, id)).Muted);
    }

    [Fact]
    public async Task AKeyFrameRequestReachesTheWorkerForThatLegOnly()
    {
        var (t, meeting) = await PinMeetingAsync();
        var id = (await meeting.JoinAsync(t.System, DialIn(null))).ParticipantId!;

        Assert.True(await meeting.RequestKeyFrameAsync(t.System, id));
        Assert.Contains((meeting.GetPrimaryKey(), id), fixture.Worker.KeyFrameRequests);
        await Assert.ThrowsAsync<AccessDeniedException>(() => meeting.RequestKeyFrameAsync(t.Chair, id));
        await Assert.ThrowsAsync<NotFoundException>(() => meeting.RequestKeyFrameAsync(t.System, "nobody"));
    }

    [Fact]
    public async Task ThreeWrongPinsHangUp()
    {
        var (t, meeting) = await PinMeetingAsync();
        var id = (await meeting.JoinAsync(t.System, DialIn(null))).ParticipantId!;

        await KeyAsync(meeting, id, "0000#1234#13579#");

        var gone = await ParticipantAsync(meeting, t, id);
        Assert.Equal(CallState.Disconnected, gone.State);
        Assert.Equal(DisconnectionMethod.Booted, gone.DisconnectionMethod);
        Assert.Contains(fixture.Gateway.HangUps, h => h.MeetingId == meeting.GetPrimaryKey() && h.ParticipantId == id);
        Assert.Contains(fixture.Worker.Releases, r => r.MeetingId == meeting.GetPrimaryKey() && r.ParticipantId == id);
    }

    [Fact]
    public async Task AUserTurnedAwayMustKeyThePinAgainWhenCallingBack()
    {
        var (t, meeting) = await PinMeetingAsync();
        var first = (await meeting.JoinAsync(t.System, DialIn("1005"))).ParticipantId!;
        await KeyAsync(meeting, first, "0000#0000#0000#");
        Assert.Equal(CallState.Disconnected, (await ParticipantAsync(meeting, t, first)).State);

        var again = await meeting.JoinAsync(t.System, DialIn("1005"));

        Assert.True(again.Accepted, again.Reason);
        Assert.True((await ParticipantAsync(meeting, t, again.ParticipantId!)).InLobby);
        Assert.False(LastControl(meeting, again.ParticipantId!).Listening);
    }

    [Fact]
    public async Task TheOwnerAndInvitedPeopleSkipThePin()
    {
        var (t, meeting) = await PinMeetingAsync(new PlannedParticipant("1004"));

        var owner = await meeting.JoinAsync(t.System, DialIn("1003"));
        var invited = await meeting.JoinAsync(t.System, DialIn("1004"));
        var uninvited = await meeting.JoinAsync(t.System, DialIn("1005"));

        Assert.False((await ParticipantAsync(meeting, t, owner.ParticipantId!)).InLobby);
        Assert.False((await ParticipantAsync(meeting, t, invited.ParticipantId!)).InLobby);
        Assert.True((await ParticipantAsync(meeting, t, uninvited.ParticipantId!)).InLobby);
        Assert.True(LastControl(meeting, invited.ParticipantId!).Listening);
    }

    [Fact]
    public async Task OtherDigitsOutsideTheLobbyAreStillReported()
    {
        var (t, meeting) = await PinMeetingAsync(new PlannedParticipant("1004"));
        var id = (await meeting.JoinAsync(t.System, DialIn("1004"))).ParticipantId!;

        await KeyAsync(meeting, id, "5");

        var events = await meeting.GetEventsSinceAsync(t.Chair, 0);
        Assert.Contains(events, e => e.Kind == MeetingEventKind.DtmfReceived);
    }
}
