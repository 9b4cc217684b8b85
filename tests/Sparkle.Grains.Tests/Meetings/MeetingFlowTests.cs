using Sparkle.Grains.Media;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Tenants;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Meetings;

/// <summary>Meeting flows as the gateway and the media worker drive them (both are test doubles here;
/// the meeting, registry and tenant grains are real).</summary>
[Collection(ClusterCollection.Name)]
public sealed class MeetingFlowTests(ClusterFixture fixture)
{
    private const string Offer = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n";

    private FakeMediaWorker Worker => fixture.Worker;
    private FakeSipGateway Gateway => fixture.Gateway;

    private async Task<(TestTenant T, IMeetingGrain Meeting)> MeetingAsync(MeetingSpec spec, TenantPolicies? policies = null, Func<TestTenant, Caller>? creator = null)
    {
        var t = await TestTenant.CreateAsync(fixture.Grains, policies);
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await meeting.CreateAsync(creator?.Invoke(t) ?? t.Chair, spec);
        return (t, meeting);
    }

    private static JoinRequest DialIn(string number, string? sdp = Offer, bool tls = false) =>
        new($"call-{Guid.NewGuid():N}", $"sip:{number}@example.test", $"Caller {number}", number, sdp, new LegSecurity(tls, false), "gw-1");

    [Fact]
    public async Task DialInGetsTheWorkersAnswerAndIsConnected()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Stand-up", []), new TenantPolicies(SrtpRequired: true));

        var result = await meeting.JoinAsync(t.System, DialIn("1004"));

        Assert.True(result.Accepted, result.Reason);
        Assert.Equal(FakeMediaWorker.AnswerFor(result.ParticipantId!), result.LocalSdp);
        var request = Assert.Single(Worker.Allocations, a => a.ParticipantId == result.ParticipantId && a.MeetingId == meeting.GetPrimaryKey());
        Assert.Equal(Offer, request.RemoteSdp);
        Assert.True(request.SrtpRequired);
        Assert.Equal("Caller 1004", request.DisplayName);
        var snapshot = (await meeting.GetAsync(t.Member))!;
        var participant = Assert.Single(snapshot.Participants);
        Assert.Equal(CallState.Connected, participant.State);
        Assert.Equal(JoiningMethod.DialedIn, participant.JoiningMethod);
        Assert.Equal("1004", participant.UserNumber);
        Assert.Equal(MeetingStatus.Active, snapshot.Status);
        Assert.Equal(fixture.WorkerId, snapshot.MediaWorkerId);
    }

    [Fact]
    public async Task AUserCallingWithoutADisplayNameIsShownByTheDirectoryName()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Names", []));
        var directoryName = (await fixture.Grains.GetGrain<IUserGrain>(UserKey.For(t.Id, "1004")).GetAsync(t.System))!.DisplayName;

        var join = await meeting.JoinAsync(t.System, DialIn("1004") with { DisplayName = null });
        var guest = await meeting.JoinAsync(t.System, DialIn("guest") with { DisplayName = null, UserNumber = null });

        var participants = (await meeting.GetAsync(t.Member))!.Participants;
        Assert.Equal(directoryName, participants.Single(p => p.ParticipantId == join.ParticipantId).DisplayName);
        Assert.Null(participants.Single(p => p.ParticipantId == guest.ParticipantId).DisplayName);
    }

    [Fact]
    public async Task ALegThatSendsNoMediaIsHungUp()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Lost network", []));
        var id = (await meeting.JoinAsync(t.System, DialIn("1004"))).ParticipantId!;

        await meeting.OnMediaEventAsync(new MediaEvent(meeting.GetPrimaryKey(), id, MediaEventKind.LegSilent, "no media for 30 s"));

        var gone = (await meeting.GetAsync(t.Member))!.Participants.Single(p => p.ParticipantId == id);
        Assert.Equal(CallState.Disconnected, gone.State);
        Assert.Equal(DisconnectionMethod.Failed, gone.DisconnectionMethod);
        Assert.Contains(Gateway.HangUps, h => h.MeetingId == meeting.GetPrimaryKey() && h.ParticipantId == id);
        Assert.Contains(Worker.Releases, r => r.MeetingId == meeting.GetPrimaryKey() && r.ParticipantId == id);
    }

    [Fact]
    public async Task RefusalsSayWhy()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Refusals", []));

        var rejected = await meeting.JoinAsync(t.System, DialIn("1004", "v=0\r\nreject\r\n"));
        Assert.Equal(JoinRefusal.NotAcceptable, rejected.Refusal);
        Assert.Equal("no common codec", rejected.Reason);
        Assert.Empty((await meeting.GetAsync(t.Member))!.Participants);

        await meeting.SetLockedAsync(t.Chair, true);
        Assert.Equal(JoinRefusal.Locked, (await meeting.JoinAsync(t.System, DialIn("1004"))).Refusal);

        await meeting.EndAsync(t.Chair);
        Assert.Equal(JoinRefusal.Ended, (await meeting.JoinAsync(t.System, DialIn("1004"))).Refusal);

        var unknown = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        Assert.Equal(JoinRefusal.NotFound, (await unknown.JoinAsync(t.System, DialIn("1004"))).Refusal);
    }

    [Fact]
    public async Task ParallelJoinsLeavesAndMediaEventsKeepTheStateConsistent()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Busy", []));
        var id = meeting.GetPrimaryKey();

        var joins = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => meeting.JoinAsync(t.System, DialIn($"guest{i}") with { UserNumber = null })));
        Assert.All(joins, j => Assert.True(j.Accepted, j.Reason));
        var ids = joins.Select(j => j.ParticipantId!).ToList();
        Assert.Equal(40, ids.Distinct().Count());

        var leaves = ids.Take(20).Select(pid => meeting.LeaveAsync(t.System, pid, DisconnectionMethod.Departed));
        var speakers = ids.Skip(20).Select(pid => meeting.OnMediaEventAsync(new MediaEvent(id, null, MediaEventKind.ActiveSpeakers, pid)));
        var mutes = ids.Skip(30).Select(pid => meeting.SetMutedAsync(t.Chair, pid, true));
        await Task.WhenAll(leaves.Concat(speakers).Concat(mutes));

        var snapshot = (await meeting.GetAsync(t.Chair))!;
        Assert.Equal(20, snapshot.Participants.Count(p => p.State == CallState.Connected));
        Assert.Equal(20, snapshot.Participants.Count(p => p.State == CallState.Disconnected));
        Assert.Equal(10, snapshot.Participants.Count(p => p.Muted));
        var events = await meeting.GetEventsSinceAsync(t.Chair, 0);
        Assert.Equal(events.Select(e => e.Version).Order(), events.Select(e => e.Version));
        Assert.Equal(snapshot.Version, events[^1].Version);
    }

    [Fact]
    public async Task MalformedJoinsAreRefusedAndChangeNothing()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Malformed", []));

        Assert.Equal(JoinRefusal.NotAcceptable, (await meeting.JoinAsync(t.System, null!)).Refusal);
        Assert.Equal(JoinRefusal.NotAcceptable, (await meeting.JoinAsync(t.System, DialIn("1004") with { CallId = "" })).Refusal);
        Assert.Equal(JoinRefusal.NotAcceptable, (await meeting.JoinAsync(t.System, DialIn("1004") with { Uri = "sip:" + new string('a', 5000) })).Refusal);
        Assert.Equal(JoinRefusal.Forbidden, (await meeting.JoinAsync(t.Member, DialIn("1005"))).Refusal);

        Assert.Empty((await meeting.GetAsync(t.Member))!.Participants);
    }

    [Fact]
    public async Task APlannedParticipantCallingInTakesTheirPlannedPlaceAndRole()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Planned", [new PlannedParticipant("1005", "Five", Role.Chair)]));
        var planned = Assert.Single((await meeting.GetAsync(t.Member))!.Participants);
        Assert.Equal(CallState.Pending, planned.State);

        var joined = await meeting.JoinAsync(t.OtherMember, DialIn("1005"));

        Assert.Equal(planned.ParticipantId, joined.ParticipantId);
        var now = Assert.Single((await meeting.GetAsync(t.Member))!.Participants);
        Assert.Equal((CallState.Connected, Role.Chair), (now.State, now.MeetingRole));
        await meeting.SetLockedAsync(t.OtherMember, true);
    }

    [Fact]
    public async Task TlsOnlyTenantRefusesPlainSignalling()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Secure", []), new TenantPolicies(TlsOnlySignalling: true));

        Assert.Equal(JoinRefusal.Forbidden, (await meeting.JoinAsync(t.System, DialIn("1004", tls: false))).Refusal);
        Assert.True((await meeting.JoinAsync(t.System, DialIn("1004", tls: true))).Accepted);
    }

    [Fact]
    public async Task NoWorkerWithRoomMeansNoMediaWorker()
    {
        // More planned legs than the only worker holds: no placement is possible.
        var crowd = Enumerable.Range(0, ClusterFixture.WorkerCapacity + 1).Select(i => new PlannedParticipant($"+1555{i:D7}")).ToList();
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Crowd", crowd.Take(PlanRules.MaxParticipants).ToList()));

        var result = await meeting.JoinAsync(t.System, DialIn("1004"));

        Assert.Equal(JoinRefusal.NoMediaWorker, result.Refusal);
    }

    [Fact]
    public async Task StartDialsEveryoneThroughTheGatewayWithTheWorkersOffer()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Board", [new PlannedParticipant("1004", "Member"), new PlannedParticipant("1005")]));
        var id = meeting.GetPrimaryKey();

        var started = await meeting.StartAsync(t.Chair);

        Assert.Equal(MeetingStatus.Active, started.Status);
        var dials = await Eventually.WaitAsync(
            () => Task.FromResult(Gateway.DialOuts.Where(d => d.MeetingId == id).ToList()), d => d.Count == 2, "two dial-outs");
        Assert.Equal(["1004", "1005"], dials.Select(d => d.Number).Order());
        var snapshot = (await meeting.GetAsync(t.Chair))!;
        foreach (var dial in dials)
        {
            Assert.Equal(FakeMediaWorker.OfferFor(dial.ParticipantId), dial.LocalSdp);
            Assert.Equal($"sip:{snapshot.ConferenceNumber}@{t.Domain}", dial.ConferenceUri);
            Assert.Equal(t.Id, dial.TenantId);
            Assert.Null(Worker.Allocations.Single(a => a.MeetingId == id && a.ParticipantId == dial.ParticipantId).RemoteSdp);
            Assert.Equal(CallState.DialingOut, snapshot.Participants.Single(p => p.ParticipantId == dial.ParticipantId).State);
        }
    }

    [Fact]
    public async Task DialOutProgressDrivesTheCallState()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Calls", [new PlannedParticipant("1004"), new PlannedParticipant("1005"), new PlannedParticipant("1002")]));
        var id = meeting.GetPrimaryKey();
        await meeting.StartAsync(t.Chair);
        var dials = await Eventually.WaitAsync(
            () => Task.FromResult(Gateway.DialOuts.Where(d => d.MeetingId == id).ToList()), d => d.Count == 3, "three dial-outs");
        string Pid(string number) => dials.Single(d => d.Number == number).ParticipantId;

        await meeting.DialOutProgressAsync(t.System, Pid("1004"), 180, null);
        Assert.Equal(CallState.Alerting, await StateOf(meeting, t, Pid("1004")));

        await meeting.DialOutProgressAsync(t.System, Pid("1004"), 200, "v=0\r\nanswer\r\n");
        Assert.Equal(CallState.Connected, await StateOf(meeting, t, Pid("1004")));
        Assert.Contains(Worker.Completions, c => c.MeetingId == id && c.ParticipantId == Pid("1004") && c.Sdp == "v=0\r\nanswer\r\n");

        await meeting.DialOutProgressAsync(t.System, Pid("1005"), 486, null);
        var busy = (await meeting.GetAsync(t.Chair))!.Participants.Single(p => p.ParticipantId == Pid("1005"));
        Assert.Equal(CallState.Disconnected, busy.State);
        Assert.Equal(DisconnectionMethod.Busy, busy.DisconnectionMethod);
        Assert.Contains((id, Pid("1005")), Worker.Releases);

        await meeting.DialOutProgressAsync(t.System, Pid("1002"), 404, null);
        var failed = (await meeting.GetAsync(t.Chair))!.Participants.Single(p => p.ParticipantId == Pid("1002"));
        Assert.Equal(DisconnectionMethod.Failed, failed.DisconnectionMethod);
    }

    [Fact]
    public async Task RemoveHangsUpThroughTheGatewayAndBootsTheParticipant()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Remove", []));
        var id = meeting.GetPrimaryKey();
        var joined = await meeting.JoinAsync(t.System, DialIn("1004"));

        await meeting.RemoveAsync(t.Chair, joined.ParticipantId!);

        Assert.Contains((id, joined.ParticipantId!), Gateway.HangUps);
        Assert.Contains((id, joined.ParticipantId!), Worker.Releases);
        var removed = Assert.Single((await meeting.GetAsync(t.Chair))!.Participants);
        Assert.Equal(DisconnectionMethod.Booted, removed.DisconnectionMethod);
    }

    [Fact]
    public async Task AdHocMeetingEndsWhenItsCreatorLeaves()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Ad hoc", [], AdHoc: true), creator: t => t.Member);
        var id = meeting.GetPrimaryKey();
        var creator = await meeting.JoinAsync(t.System, DialIn("1004"));
        var guest = await meeting.JoinAsync(t.System, DialIn("1005"));
        var observer = new RecordingObserver();
        await meeting.SubscribeAsync(t.Member, fixture.Cluster.Client.CreateObjectReference<IMeetingObserver>(observer));

        await meeting.LeaveAsync(t.System, creator.ParticipantId!, DisconnectionMethod.Departed);

        var snapshot = (await meeting.GetAsync(t.Member))!;
        Assert.Equal(MeetingStatus.Ended, snapshot.Status);
        Assert.All(snapshot.Participants, p => Assert.Equal(CallState.Disconnected, p.State));
        Assert.Contains((id, guest.ParticipantId!), Gateway.HangUps);
        Assert.DoesNotContain((id, creator.ParticipantId!), Gateway.HangUps);
        Assert.Contains(id, Worker.ReleasedMeetings);
        await Eventually.WaitAsync(() => observer.Events.Any(e => e.Kind == MeetingEventKind.MeetingEnded), "MeetingEnded");
        Assert.StartsWith("conf-", snapshot.ConferenceNumber, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ControlsReachTheWorkerAtOnce()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Controls", []));
        var id = meeting.GetPrimaryKey();
        var joined = await meeting.JoinAsync(t.System, DialIn("1004"));
        var pid = joined.ParticipantId!;

        await meeting.SetMutedAsync(t.Chair, pid, true);
        Assert.Contains(Worker.Controls, c => c.MeetingId == id && c.ParticipantId == pid && c.Control.Muted);

        await meeting.SetSpeakingAllowedAsync(t.Chair, pid, false);
        await meeting.SetVideoAllowedAsync(t.Chair, pid, false);
        var last = Worker.Controls.Last(c => c.MeetingId == id && c.ParticipantId == pid).Control;
        Assert.False(last.SpeakingAllowed);
        Assert.False(last.VideoAllowed);

        await meeting.SetLayoutAsync(t.Chair, "grid-3x3");
        await meeting.SetLayoutModeAsync(t.Chair, LayoutMode.Fixed);
        await meeting.PlaceInSlotAsync(t.Chair, pid, 2);
        var layout = Worker.Layouts.Last(l => l.MeetingId == id).Layout;
        Assert.Equal("grid-3x3", layout.LayoutId);
        Assert.False(layout.Automatic);
        Assert.Equal([null, null, pid], layout.Placements);
        Assert.Equal(2, (await meeting.GetAsync(t.Chair))!.Participants.Single().Slot);
    }

    [Fact]
    public async Task AParticipantMutesThemselvesButCannotRegainWithdrawnSpeakingRights()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Self", []));
        var pid = (await meeting.JoinAsync(t.System, DialIn("1004"))).ParticipantId!;

        await meeting.SetMutedAsync(t.Member, pid, true);
        await meeting.SetMutedAsync(t.Member, pid, false);
        await meeting.SetSpeakingAllowedAsync(t.Chair, pid, false);
        await meeting.SetMutedAsync(t.Member, pid, true);

        await Assert.ThrowsAsync<AccessDeniedException>(() => meeting.SetMutedAsync(t.Member, pid, false));
        await Assert.ThrowsAsync<AccessDeniedException>(() => meeting.SetMutedAsync(t.OtherMember, pid, false));
        Assert.True((await meeting.GetAsync(t.Member))!.Participants.Single().Muted);
    }

    [Fact]
    public async Task SubscribersGetEveryEventInVersionOrderAndCanCatchUp()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Events", []));
        var observer = new RecordingObserver();
        await meeting.SubscribeAsync(t.Member, fixture.Cluster.Client.CreateObjectReference<IMeetingObserver>(observer));
        var before = (await meeting.GetAsync(t.Member))!.Version;

        var pid = (await meeting.JoinAsync(t.System, DialIn("1004"))).ParticipantId!;
        await meeting.SetMutedAsync(t.Chair, pid, true);
        await meeting.SetLockedAsync(t.Chair, true);

        var after = (await meeting.GetAsync(t.Member))!.Version;
        await Eventually.WaitAsync(() => observer.Events.Count >= after - before, "the events");
        var seen = observer.Events.OrderBy(e => e.Version).ToList();
        Assert.Equal(Enumerable.Range((int)before + 1, (int)(after - before)).Select(v => (long)v), seen.Select(e => e.Version));
        Assert.Contains(seen, e => e.Kind == MeetingEventKind.ParticipantAdded && e.Participant!.ParticipantId == pid);
        Assert.Contains(seen, e => e.Kind == MeetingEventKind.ParticipantChanged && e.Participant!.Muted);
        Assert.Contains(seen, e => e.Kind == MeetingEventKind.MeetingChanged && e.Detail == "locked");

        var catchUp = await meeting.GetEventsSinceAsync(t.Member, before);
        Assert.Equal(seen.Select(e => e.Version), catchUp.Select(e => e.Version));
    }

    [Fact]
    public async Task MediaEventsBecomeSpeakersDtmfAndSsrcs()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Media", []));
        var id = meeting.GetPrimaryKey();
        var a = (await meeting.JoinAsync(t.System, DialIn("1004"))).ParticipantId!;
        var b = (await meeting.JoinAsync(t.System, DialIn("1005"))).ParticipantId!;
        var version = (await meeting.GetAsync(t.Member))!.Version;

        await meeting.OnMediaEventAsync(new MediaEvent(id, null, MediaEventKind.ActiveSpeakers, $"{b},{a}"));
        await meeting.OnMediaEventAsync(new MediaEvent(id, a, MediaEventKind.Dtmf, "5"));
        await meeting.OnMediaEventAsync(new MediaEvent(id, a, MediaEventKind.SsrcLearned, "audio:424242"));
        await meeting.OnMediaEventAsync(new MediaEvent(id, a, MediaEventKind.SsrcLearned, "nonsense"));

        var snapshot = (await meeting.GetAsync(t.Member))!;
        Assert.Equal(b, snapshot.ActiveSpeakerId);
        Assert.All(snapshot.Participants, p => Assert.True(p.Speaking));
        Assert.Equal(424242u, snapshot.Participants.Single(p => p.ParticipantId == a).AudioSsrc);
        var events = await meeting.GetEventsSinceAsync(t.Member, version);
        Assert.Contains(events, e => e.Kind == MeetingEventKind.ActiveSpeakerChanged && e.Detail == b);
        Assert.Contains(events, e => e.Kind == MeetingEventKind.DtmfReceived && e.Detail == "5" && e.Participant!.ParticipantId == a);
    }

    [Fact]
    public async Task InviteOfAnExternalNumberFollowsTheTenantsDialOutPolicy()
    {
        var policies = new TenantPolicies(DialOutMinimumRole: Role.Manager, DialOutPatterns: ["^\\+49"]);
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Dial", []), policies);

        await Assert.ThrowsAsync<AccessDeniedException>(() => meeting.InviteAsync(t.Chair, new PlannedParticipant("+4930123456")));
        await Assert.ThrowsAsync<AccessDeniedException>(() => meeting.InviteAsync(t.Manager, new PlannedParticipant("+33123456789")));
        var pid = await meeting.InviteAsync(t.Manager, new PlannedParticipant("+4930123456"));
        var internalPid = await meeting.InviteAsync(t.Chair, new PlannedParticipant("1005"));

        var id = meeting.GetPrimaryKey();
        await Eventually.WaitAsync(() => Gateway.DialOuts.Count(d => d.MeetingId == id) == 2, "two dial-outs");
        Assert.Contains(Gateway.DialOuts, d => d.MeetingId == id && d.ParticipantId == pid && d.Number == "+4930123456");
        Assert.Contains(Gateway.DialOuts, d => d.MeetingId == id && d.ParticipantId == internalPid);
    }

    [Fact]
    public async Task MeetingsAreKeptUntilAManagerDeletesThem()
    {
        var (t, meeting) = await MeetingAsync(new MeetingSpec("Keep", []));
        var catalog = fixture.Grains.GetGrain<ITenantCatalogGrain>(t.Id);
        var snapshot = (await meeting.GetAsync(t.Chair))!;
        Assert.Matches("^[1-9][0-9]{5}$", snapshot.ConferenceNumber);
        Assert.Equal(meeting.GetPrimaryKey(), await catalog.FindMeetingAsync(snapshot.ConferenceNumber));

        await meeting.EndAsync(t.Chair);
        Assert.NotNull(await meeting.GetAsync(t.Chair));
        await Assert.ThrowsAsync<AccessDeniedException>(() => meeting.DeleteAsync(t.Chair));

        await meeting.DeleteAsync(t.Manager);
        Assert.Null(await catalog.FindMeetingAsync(snapshot.ConferenceNumber));
        Assert.DoesNotContain(meeting.GetPrimaryKey(), await catalog.ListMeetingsAsync(t.Manager));
    }

    [Fact]
    public async Task MembersListTheirOwnMeetingsManagersListAll()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var mine = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await mine.CreateAsync(t.Member, new MeetingSpec("Mine", []));
        var invited = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await invited.CreateAsync(t.Chair, new MeetingSpec("Invited", [new PlannedParticipant("1004")]));
        var others = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await others.CreateAsync(t.Chair, new MeetingSpec("Others", []));
        var catalog = fixture.Grains.GetGrain<ITenantCatalogGrain>(t.Id);

        var memberSees = await catalog.ListMeetingsAsync(t.Member);
        var managerSees = await catalog.ListMeetingsAsync(t.Manager);

        Assert.Equal(new[] { mine.GetPrimaryKey(), invited.GetPrimaryKey() }.Order(), memberSees.Order());
        Assert.Equal(3, managerSees.Count);
    }

    private static async Task<CallState> StateOf(IMeetingGrain meeting, TestTenant t, string pid) =>
        (await meeting.GetAsync(t.Chair))!.Participants.Single(p => p.ParticipantId == pid).State;
}
