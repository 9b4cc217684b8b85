using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Recordings;
using Sparkle.Grains.Tenants;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Recordings;

/// <summary>The meeting starting and stopping its worker's recording (the worker is the fake, which records
/// the orders), and what the catalog lists as a result.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RecordingControlTests(ClusterFixture fixture)
{
    private FakeMediaWorker Worker => fixture.Worker;

    private async Task<(TestTenant T, IMeetingGrain Meeting, IRecordingCatalogGrain Catalog)> MeetingAsync(RecordingSettings? settings = null, TenantPolicies? policies = null)
    {
        var t = await TestTenant.CreateAsync(fixture.Grains, policies);
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await meeting.CreateAsync(t.Chair, new MeetingSpec("Recorded", [new PlannedParticipant("1005")], Recording: settings));
        return (t, meeting, fixture.Grains.GetGrain<IRecordingCatalogGrain>(meeting.GetPrimaryKey()));
    }

    internal static JoinRequest DialIn(string? number) =>
        new($"call-{Guid.NewGuid():N}", $"sip:{number ?? "guest"}@example.test", $"Caller {number}", number, "v=0\r\n", new LegSecurity(false, false), "gw-1");

    private IEnumerable<RecordingOrder> OrdersOf(IMeetingGrain meeting) =>
        Worker.RecordingStarts.Where(s => s.MeetingId == meeting.GetPrimaryKey()).Select(s => s.Order);

    [Fact]
    public async Task StartingOrdersTheWorkerAndListsTheRecording()
    {
        var (t, meeting, catalog) = await MeetingAsync();
        Assert.True((await meeting.JoinAsync(t.System, DialIn("1004"))).Accepted);

        await meeting.SetRecordingAsync(t.Chair, true);

        var snapshot = (await meeting.GetAsync(t.Chair))!;
        var order = Assert.Single(OrdersOf(meeting));
        Assert.True(order.WholeMeeting);
        Assert.False(order.PerUtterance);
        Assert.False(order.SeparateAudioAndVideo);
        Assert.Equal(t.Id, order.TenantId);
        Assert.Equal(snapshot.StartedAt, order.MeetingStartedAt);
        Assert.True(snapshot.Recording);
        Assert.Equal(RecordingState.Recording, snapshot.RecordingState);
        var listed = Assert.Single(await catalog.ListRecordingsAsync(t.Member));
        Assert.Equal(order.RecordingId, listed.Id);
        Assert.Equal(RecordingKind.Mixed, listed.Kind);
        Assert.Null(listed.EndedAt);
    }

    [Fact]
    public async Task RecordingErrorsAreTypedAndChangeNothing()
    {
        var (t, meeting, catalog) = await MeetingAsync();

        var noMedia = await Assert.ThrowsAsync<ValidationException>(() => meeting.SetRecordingAsync(t.Chair, true));
        Assert.Equal("The meeting has no media to record", noMedia.Message);
        var notRunning = await Assert.ThrowsAsync<ValidationException>(() => meeting.SetRecordingAsync(t.Chair, false));
        Assert.Equal("No recording is running", notRunning.Message);
        Assert.Empty(OrdersOf(meeting));

        Assert.True((await meeting.JoinAsync(t.System, DialIn("1004"))).Accepted);
        await meeting.SetRecordingAsync(t.Chair, true);
        var version = (await meeting.GetAsync(t.Chair))!.Version;
        var twice = await Assert.ThrowsAsync<ValidationException>(() => meeting.SetRecordingAsync(t.Chair, true));
        Assert.Equal("A recording is already running", twice.Message);

        Assert.Single(OrdersOf(meeting));
        Assert.Single(await catalog.ListRecordingsAsync(t.Chair));
        Assert.Equal(version, (await meeting.GetAsync(t.Chair))!.Version);
        await Assert.ThrowsAsync<AccessDeniedException>(() => meeting.SetRecordingAsync(t.Member, false));
    }

    [Fact]
    public async Task SeparateAudioAndVideoMakesTwoRecordings()
    {
        var (t, meeting, catalog) = await MeetingAsync(new RecordingSettings(SeparateAudioAndVideo: true));
        Assert.True((await meeting.JoinAsync(t.System, DialIn(null))).Accepted);

        await meeting.SetRecordingAsync(t.Chair, true);

        var order = Assert.Single(OrdersOf(meeting));
        Assert.True(order.SeparateAudioAndVideo);
        Assert.NotEqual(Guid.Empty, order.VideoRecordingId);
        var listed = await catalog.ListRecordingsAsync(t.Chair);
        Assert.Equal(RecordingKind.Audio, listed.Single(r => r.Id == order.RecordingId).Kind);
        Assert.Equal(RecordingKind.Video, listed.Single(r => r.Id == order.VideoRecordingId).Kind);
    }

    [Fact]
    public async Task ThePlanStartsRecordingWhenMediaComesUpAndTheEndStopsIt()
    {
        var (t, meeting, catalog) = await MeetingAsync(new RecordingSettings(RecordMeeting: true));
        Assert.Empty(OrdersOf(meeting));

        Assert.True((await meeting.JoinAsync(t.System, DialIn("1004"))).Accepted);
        await Eventually.WaitAsync(async () => (await meeting.GetAsync(t.Chair))!.Recording, r => r, "the planned recording");
        var order = Assert.Single(OrdersOf(meeting));
        Assert.True(order.WholeMeeting);
        Assert.False(order.PerUtterance);

        await meeting.EndAsync(t.Chair);

        Assert.Contains(meeting.GetPrimaryKey(), Worker.RecordingStops);
        var snapshot = (await meeting.GetAsync(t.Chair))!;
        Assert.False(snapshot.Recording);
        Assert.Equal(RecordingState.None, snapshot.RecordingState);
        Assert.NotNull(Assert.Single(await catalog.ListRecordingsAsync(t.Chair)).EndedAt);
    }

    [Fact]
    public async Task ThePlansPerUtteranceSettingGoesWithTheWholeMeetingRecording()
    {
        var (t, meeting, _) = await MeetingAsync(new RecordingSettings(RecordMeeting: true, PerUtteranceRecording: true));

        Assert.True((await meeting.JoinAsync(t.System, DialIn("1004"))).Accepted);

        await Eventually.WaitAsync(() => OrdersOf(meeting).Any(), "the planned order");
        var order = Assert.Single(OrdersOf(meeting));
        Assert.True(order.WholeMeeting);
        Assert.True(order.PerUtterance);
    }

    [Fact]
    public async Task PerUtteranceOnlyRecordsNoWholeMeeting()
    {
        var (t, meeting, catalog) = await MeetingAsync(new RecordingSettings(PerUtteranceRecording: true));

        Assert.True((await meeting.JoinAsync(t.System, DialIn("1004"))).Accepted);

        await Eventually.WaitAsync(() => OrdersOf(meeting).Any(), "the per-utterance order");
        var order = Assert.Single(OrdersOf(meeting));
        Assert.False(order.WholeMeeting);
        Assert.True(order.PerUtterance);
        Assert.Empty(await catalog.ListRecordingsAsync(t.Chair));
    }

    [Fact]
    public async Task StartingAgainMakesANewRecordingAndAStopIsNotUndoneByTheNextJoin()
    {
        var (t, meeting, catalog) = await MeetingAsync(new RecordingSettings(RecordMeeting: true));
        Assert.True((await meeting.JoinAsync(t.System, DialIn("1004"))).Accepted);
        await Eventually.WaitAsync(async () => (await meeting.GetAsync(t.Chair))!.Recording, r => r, "the planned recording");

        await meeting.SetRecordingAsync(t.Chair, false);
        Assert.True((await meeting.JoinAsync(t.System, DialIn("1005"))).Accepted);
        Assert.False((await meeting.GetAsync(t.Chair))!.Recording);
        await meeting.SetRecordingAsync(t.Chair, true);

        var recordings = await catalog.ListRecordingsAsync(t.Chair);
        Assert.Equal(2, recordings.Count);
        Assert.Equal(2, OrdersOf(meeting).Select(o => o.RecordingId).Distinct().Count());
        Assert.Single(recordings, r => r.EndedAt is null);
    }

    [Fact]
    public async Task ADegradedRecordingShowsOnTheMeetingAndIsAnEvent()
    {
        var (t, meeting, catalog) = await MeetingAsync();
        Assert.True((await meeting.JoinAsync(t.System, DialIn("1004"))).Accepted);
        await meeting.SetRecordingAsync(t.Chair, true);
        var observer = new RecordingObserver();
        await meeting.SubscribeAsync(t.Chair, fixture.Cluster.Client.CreateObjectReference<IMeetingObserver>(observer));
        var id = Assert.Single(OrdersOf(meeting)).RecordingId;

        await catalog.SetHealthAsync(id, RecordingHealth.Degraded);

        Assert.Equal(RecordingState.Degraded, (await meeting.GetAsync(t.Chair))!.RecordingState);
        await Eventually.WaitAsync(() => observer.Events.Any(e => e.Kind == MeetingEventKind.RecordingChanged && e.Detail == "degraded"), "the degraded event");
        await catalog.SetHealthAsync(id, RecordingHealth.Recording);
        Assert.Equal(RecordingState.Recording, (await meeting.GetAsync(t.Chair))!.RecordingState);
    }

    [Fact]
    public async Task StartingWhileOnlyUtterancesAreRecordedAddsTheWholeMeeting()
    {
        var (t, meeting, catalog) = await MeetingAsync(new RecordingSettings(PerUtteranceRecording: true));
        Assert.True((await meeting.JoinAsync(t.System, DialIn("1004"))).Accepted);
        await Eventually.WaitAsync(() => OrdersOf(meeting).Any(), "the per-utterance order");

        await meeting.SetRecordingAsync(t.Chair, true);

        var orders = OrdersOf(meeting).ToList();
        Assert.Equal(2, orders.Count);
        Assert.True(orders[1].WholeMeeting);
        Assert.True(orders[1].PerUtterance);
        Assert.Single(fixture.Worker.RecordingStops, id => id == meeting.GetPrimaryKey());
        Assert.Single(await catalog.ListRecordingsAsync(t.Chair));
    }

    [Fact]
    public async Task AnUtteranceOnlyRecordingReportsItsHealthToo()
    {
        var (t, meeting, catalog) = await MeetingAsync(new RecordingSettings(PerUtteranceRecording: true));
        Assert.True((await meeting.JoinAsync(t.System, DialIn("1004"))).Accepted);
        await Eventually.WaitAsync(() => OrdersOf(meeting).Any(), "the per-utterance order");
        var order = Assert.Single(OrdersOf(meeting)).RecordingId;

        await catalog.SetHealthAsync(order, RecordingHealth.Degraded);
        Assert.Equal(RecordingState.Degraded, (await meeting.GetAsync(t.Chair))!.RecordingState);

        await catalog.SetHealthAsync(Guid.NewGuid(), RecordingHealth.Recording);
        Assert.Equal(RecordingState.Degraded, (await meeting.GetAsync(t.Chair))!.RecordingState);
        await catalog.SetHealthAsync(order, RecordingHealth.Recording);
        Assert.Equal(RecordingState.Recording, (await meeting.GetAsync(t.Chair))!.RecordingState);
    }
}
