using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Meetings;

/// <summary>Re-homing a meeting's calls off a media worker that dies (the registry's heartbeat, then a failed probe) or is
/// drained, and the fence against a worker that comes back after being declared dead. The grains and the registry are
/// real; the workers and the gateway are the test doubles of those processes.</summary>
[Collection(FleetCollection.Name)]
public sealed class WorkerFailoverTests(FleetFixture fleet)
{
    private const string PhoneOffer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\n";

    /// <summary>A started meeting placed on <paramref name="home"/> (every other worker looks busier) with SIP callers.</summary>
    private async Task<(TestTenant T, IMeetingGrain Meeting, string[] Callers)> MeetingOnAsync(FleetWorker home, int callers)
    {
        var t = await TestTenant.CreateAsync(fleet.Grains);
        var meeting = fleet.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await meeting.CreateAsync(t.Chair, new MeetingSpec("Failover", []));
        await meeting.StartAsync(t.Chair);
        var ids = new List<string>();
        for (var i = 0; i < callers; i++)
        {
            var joined = await meeting.JoinAsync(t.System, new JoinRequest($"call-{Guid.NewGuid():N}", $"sip:caller{i}@{t.Domain}",
                $"Caller {i}", null, PhoneOffer, new LegSecurity(false, false), "fleet-gateway"));
            Assert.True(joined.Accepted, joined.Reason);
            ids.Add(joined.ParticipantId!);
        }

        if (callers > 0)
        {
            Assert.Equal(home.Id, (await meeting.GetAsync(t.Chair))!.MediaWorkerId);
        }

        return (t, meeting, [.. ids]);
    }

    private static async Task<MeetingSnapshot> WaitForHomeAsync(TestTenant t, IMeetingGrain meeting, string workerId) =>
        (await Eventually.WaitAsync(() => meeting.GetAsync(t.Chair), s => s!.MediaWorkerId == workerId, $"the meeting to move to {workerId}", seconds: 30))!;

    [Fact]
    public async Task CallsOnAWorkerThatDiesMoveToALiveWorkerByReInviteWithTheSameParticipants()
    {
        await fleet.ResetAsync();
        var dying = await fleet.AddWorkerAsync(load: 0);
        var spare = await fleet.AddWorkerAsync(load: 50);
        var (t, meeting, callers) = await MeetingOnAsync(dying, 2);
        var meetingId = meeting.GetPrimaryKey();
        await meeting.SetMutedAsync(t.Chair, callers[0], true);

        dying.Fake.Dead = true;
        await WaitForHomeAsync(t, meeting, spare.Id);
        await Eventually.WaitAsync(() => callers.All(c => fleet.Gateway.Reinvites.Any(r => r.MeetingId == meetingId && r.ParticipantId == c)), "both re-INVITEs");
        await Eventually.WaitAsync(() => meeting.GetAsync(t.Chair), s => s!.MediaWorkerIds!.SequenceEqual([spare.Id]), "the legs on the spare");

        var now = (await meeting.GetAsync(t.Chair))!;
        foreach (var caller in callers)
        {
            // The spare offered (no remote SDP), the phone's answer to the re-INVITE completed that leg.
            var offer = Assert.Single(spare.Fake.Allocations, a => a.MeetingId == meetingId && a.ParticipantId == caller);
            Assert.Null(offer.RemoteSdp);
            var reinvite = Assert.Single(fleet.Gateway.Reinvites, r => r.MeetingId == meetingId && r.ParticipantId == caller);
            Assert.Equal(FakeMediaWorker.OfferFor(caller), reinvite.Offer);
            Assert.Contains(spare.Fake.Completions, c => c.MeetingId == meetingId && c.ParticipantId == caller && c.Sdp == FakeSipGateway.ReinviteAnswerFor(caller));
            Assert.Equal(CallState.Connected, now.Participants.Single(p => p.ParticipantId == caller).State);
        }

        Assert.Equal(callers.Order(), now.Participants.Where(p => p.HasLeg()).Select(p => p.ParticipantId).Order());
        Assert.DoesNotContain(fleet.Gateway.HangUps, h => h.MeetingId == meetingId);
        // The chair's mute followed the call to its new worker.
        Assert.Contains(spare.Fake.Controls, c => c.MeetingId == meetingId && c.ParticipantId == callers[0] && c.Control.Muted);
        Assert.Contains(spare.Fake.Layouts, l => l.MeetingId == meetingId);
    }

    [Fact]
    public async Task ARecordingGoesOnAtTheNewHomeOnceTheLegsAreThere()
    {
        await fleet.ResetAsync();
        var dying = await fleet.AddWorkerAsync(load: 0);
        var spare = await fleet.AddWorkerAsync(load: 50);
        var (t, meeting, callers) = await MeetingOnAsync(dying, 2);
        var meetingId = meeting.GetPrimaryKey();
        await meeting.SetRecordingAsync(t.Chair, true);
        var first = Assert.Single(dying.Fake.RecordingStarts, r => r.MeetingId == meetingId).Order.RecordingId;

        dying.Fake.Dead = true;
        await WaitForHomeAsync(t, meeting, spare.Id);

        // The spare records only once it holds the meeting's legs (it refuses a meeting it has no media for, as the real
        // worker does): a new recording, started after the calls moved.
        var restarted = await Eventually.WaitAsync(() => Task.FromResult(spare.Fake.RecordingStarts.Where(r => r.MeetingId == meetingId).ToList()),
            starts => starts.Count == 1, "the recording to start at the new home");
        Assert.NotEqual(first, restarted[0].Order.RecordingId);
        Assert.All(callers, c => Assert.True(spare.Fake.LiveLegs.ContainsKey((meetingId, c))));
        var now = (await meeting.GetAsync(t.Chair))!;
        Assert.True(now.Recording);
        Assert.Equal(RecordingState.Recording, now.RecordingState);
    }

    [Fact]
    public async Task APhoneThatRefusesTheReInviteIsHungUpAndListedAsFailed()
    {
        await fleet.ResetAsync();
        var dying = await fleet.AddWorkerAsync(load: 0);
        var spare = await fleet.AddWorkerAsync(load: 50);
        var (t, meeting, callers) = await MeetingOnAsync(dying, 1);
        var meetingId = meeting.GetPrimaryKey();
        fleet.Gateway.RefuseReinvites = true;
        try
        {
            dying.Fake.Dead = true;
            await WaitForHomeAsync(t, meeting, spare.Id);
            var gone = await Eventually.WaitAsync(() => meeting.GetAsync(t.Chair),
                s => s!.Participants.Single(p => p.ParticipantId == callers[0]).State == CallState.Disconnected, "the refused call to end");

            Assert.Equal(DisconnectionMethod.Failed, gone!.Participants.Single(p => p.ParticipantId == callers[0]).DisconnectionMethod);
            Assert.Contains(fleet.Gateway.HangUps, h => h.MeetingId == meetingId && h.ParticipantId == callers[0]);
            Assert.Contains(spare.Fake.Releases, r => r.MeetingId == meetingId && r.ParticipantId == callers[0]);
        }
        finally
        {
            fleet.Gateway.RefuseReinvites = false;
        }
    }

    [Fact]
    public async Task AWorkerBackFromTheDeadKeepsNoMovedLegAndItsEventsAboutThemAreIgnored()
    {
        await fleet.ResetAsync();
        var zombie = await fleet.AddWorkerAsync(load: 0);
        var spare = await fleet.AddWorkerAsync(load: 50);
        var (t, meeting, callers) = await MeetingOnAsync(zombie, 2);
        var meetingId = meeting.GetPrimaryKey();
        var before = zombie.Generation;

        // Paused: no heartbeats, no answer to the probe; then it resumes and registers again.
        zombie.Paused = true;
        zombie.Fake.Dead = true;
        await WaitForHomeAsync(t, meeting, spare.Id);
        await Eventually.WaitAsync(() => meeting.GetAsync(t.Chair), s => s!.MediaWorkerIds!.SequenceEqual([spare.Id]), "the legs on the spare");
        zombie.Fake.Dead = false;
        zombie.Paused = false;
        await Eventually.WaitAsync(() => zombie.Generation > before, "the zombie's new generation");

        var kept = await fleet.Grains.GetGrain<IMeetingMediaGrain>(meetingId).ConfirmLegsAsync(zombie.Id, zombie.Generation, callers);
        Assert.Empty(kept);
        // Its silence detector fires about a call it no longer holds: the call stays up.
        await meeting.OnMediaEventAsync(new MediaEvent(meetingId, callers[0], MediaEventKind.LegSilent, "10 s", zombie.Id));
        await meeting.OnMediaEventAsync(new MediaEvent(meetingId, null, MediaEventKind.ActiveSpeakers, callers[1], zombie.Id));
        var after = (await meeting.GetAsync(t.Chair))!;
        Assert.Equal(CallState.Connected, after.Participants.Single(p => p.ParticipantId == callers[0]).State);
        Assert.Null(after.ActiveSpeakerId);
        // The same event from the worker holding the leg now counts.
        await meeting.OnMediaEventAsync(new MediaEvent(meetingId, callers[0], MediaEventKind.LegSilent, "10 s", spare.Id));
        Assert.Equal(CallState.Disconnected, (await meeting.GetAsync(t.Chair))!.Participants.Single(p => p.ParticipantId == callers[0]).State);
    }

    [Fact]
    public async Task AMeetingNoticesByItselfAWorkerGoneFromTheRegistryWithoutAWarning()
    {
        await fleet.ResetAsync();
        var leaving = await fleet.AddWorkerAsync(load: 0);
        var spare = await fleet.AddWorkerAsync(load: 50);
        var (t, meeting, callers) = await MeetingOnAsync(leaving, 1);

        // Gone without the registry declaring it dead (as after the registry's silo died with its memory).
        leaving.Paused = true;
        await fleet.Registry.UnregisterAsync(leaving.Id);

        await WaitForHomeAsync(t, meeting, spare.Id);
        await Eventually.WaitAsync(() => meeting.GetAsync(t.Chair), s => s!.MediaWorkerIds!.SequenceEqual([spare.Id]), "the leg on the spare");
        Assert.Contains(fleet.Gateway.Reinvites, r => r.MeetingId == meeting.GetPrimaryKey() && r.ParticipantId == callers[0]);
    }

    [Fact]
    public async Task LegsSpillOverToAWorkerLinkedByATrunkWhenTheHomeIsFullAndTheTrunkGoesWithTheLastOfThem()
    {
        await fleet.ResetAsync();
        var home = await fleet.AddWorkerAsync(capacity: 2, load: 0);
        var spill = await fleet.AddWorkerAsync(capacity: 10, load: 5);
        var (t, meeting, callers) = await MeetingOnAsync(home, 3);
        var meetingId = meeting.GetPrimaryKey();

        var spanning = (await meeting.GetAsync(t.Chair))!;
        Assert.Equal([home.Id, spill.Id], spanning.MediaWorkerIds);
        Assert.Equal(2, home.Fake.Allocations.Count(a => a.MeetingId == meetingId));
        Assert.Single(spill.Fake.Allocations, a => a.MeetingId == meetingId && a.ParticipantId == callers[2]);
        // Both ends opened and each pointed at the other.
        Assert.NotNull(home.Fake.Trunks[(meetingId, spill.Id)]);
        Assert.NotNull(spill.Fake.Trunks[(meetingId, home.Id)]);

        await meeting.LeaveAsync(t.System, callers[2], DisconnectionMethod.Departed);
        await Eventually.WaitAsync(() => !home.Fake.Trunks.ContainsKey((meetingId, spill.Id)) && !spill.Fake.Trunks.ContainsKey((meetingId, home.Id)),
            "the idle spoke's trunk to close at both ends");
        Assert.Equal([home.Id], (await meeting.GetAsync(t.Chair))!.MediaWorkerIds);
    }

    [Fact]
    public async Task ADrainMovesLegsAtItsPaceAndReleasesThemOnTheOldWorker()
    {
        await fleet.ResetAsync();
        var draining = await fleet.AddWorkerAsync(load: 0);
        var spare = await fleet.AddWorkerAsync(load: 50);
        var (t, meeting, callers) = await MeetingOnAsync(draining, 3);
        var meetingId = meeting.GetPrimaryKey();
        var media = fleet.Grains.GetGrain<IMeetingMediaGrain>(meetingId);

        Assert.Equal(2, await media.MoveOffWorkerAsync(draining.Id, maxLegs: 1));
        Assert.Equal(spare.Id, (await meeting.GetAsync(t.Chair))!.MediaWorkerId);
        Assert.Equal(0, await media.MoveOffWorkerAsync(draining.Id, maxLegs: 5));

        var now = (await meeting.GetAsync(t.Chair))!;
        Assert.Equal([spare.Id], now.MediaWorkerIds);
        Assert.All(callers, c => Assert.Contains(draining.Fake.Releases, r => r.MeetingId == meetingId && r.ParticipantId == c));
        Assert.All(callers, c => Assert.Equal(CallState.Connected, now.Participants.Single(p => p.ParticipantId == c).State));
    }

    [Fact]
    public async Task ABrowserOnALostWorkerIsToldToRejoin()
    {
        await fleet.ResetAsync();
        var dying = await fleet.AddWorkerAsync(load: 0);
        var spare = await fleet.AddWorkerAsync(load: 50);
        var (t, meeting, _) = await MeetingOnAsync(dying, 0);
        var browser = await meeting.JoinAsync(t.Member, new JoinRequest($"webrtc-{Guid.NewGuid():N}", "", null, "1004",
            "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n", new LegSecurity(true, true), null, WebRtc: true));
        Assert.True(browser.Accepted, browser.Reason);
        Assert.Equal(dying.Id, (await meeting.GetAsync(t.Chair))!.MediaWorkerId);

        dying.Fake.Dead = true;
        var after = await Eventually.WaitAsync(() => meeting.GetAsync(t.Chair),
            s => s!.Participants.Single(p => p.ParticipantId == browser.ParticipantId).State == CallState.Disconnected, "the browser to be told", seconds: 30);

        Assert.Equal(spare.Id, after!.MediaWorkerId);
        Assert.Equal(DisconnectionMethod.Failed, after.Participants.Single(p => p.ParticipantId == browser.ParticipantId).DisconnectionMethod);
    }
}
