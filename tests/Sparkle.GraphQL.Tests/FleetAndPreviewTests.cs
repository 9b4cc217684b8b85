using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Sparkle.Grains.Gateway;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.GraphQL.Recordings;

namespace Sparkle.GraphQL.Tests;

/// <summary>The operator's fleet queries and the console's live preview link, against the real API and silo
/// with a fake media worker and gateway registered as the real processes would.</summary>
[Collection(ApiCollection.Name)]
public sealed class FleetAndPreviewTests(ApiFixture api) : IAsyncLifetime
{
    private readonly string _workerId = $"gql-worker-{Guid.NewGuid():N}";
    private readonly string _gatewayId = $"gql-gateway-{Guid.NewGuid():N}";
    // Kept in fields: Orleans holds observers weakly.
    private readonly FakeMediaWorker _worker = new();
    private readonly FakeSipGateway _gateway = new();
    private IMediaWorker? _workerRef;
    private ISipGateway? _gatewayRef;
    private FakeWorkerRegistration? _registration;

    private IClusterClient Client => api.Cluster.Api!.Services.GetRequiredService<IClusterClient>();

    public async Task InitializeAsync()
    {
        _workerRef = Client.CreateObjectReference<IMediaWorker>(_worker);
        _gatewayRef = Client.CreateObjectReference<ISipGateway>(_gateway);
        _registration = await FakeWorkerRegistration.StartAsync(Client,
            new MediaWorkerInfo(_workerId, "10.1.2.3", 500, 0, 0, DateTimeOffset.UtcNow, "9.9.9-test", 0), _workerRef, legs: 12, meetings: 2, cpu: 0.375);
        await Client.GetGrain<IGatewayRegistryGrain>(0).RegisterAsync(new GatewayInfo(_gatewayId, "sip.fleet.test", "9.9.9-gw", 0, DateTimeOffset.UtcNow), _gatewayRef);
        await Client.GetGrain<IGatewayRegistryGrain>(0).HeartbeatAsync(_gatewayId, 4);
    }

    public async Task DisposeAsync()
    {
        await _registration!.DisposeAsync();
        await Client.GetGrain<IGatewayRegistryGrain>(0).UnregisterAsync(_gatewayId);
    }

    [Fact]
    public async Task TheOperatorSeesRegisteredWorkersAndGatewaysWithTheirHeartbeatFigures()
    {
        var op = api.Client(api.Demo.OperatorToken);

        var worker = Assert.Single(await op.ListMediaWorkersAsync(), w => w.Id == _workerId);
        var gateway = Assert.Single(await op.ListSipGatewaysAsync(), g => g.Id == _gatewayId);

        Assert.Equal(("10.1.2.3", "9.9.9-test", 12, 500, 2, 0.375, false), (worker.Address, worker.Version, worker.Legs, worker.Capacity, worker.Meetings, worker.Cpu, worker.Draining));
        Assert.InRange(worker.LastHeartbeat, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(("sip.fleet.test", "9.9.9-gw", 4), (gateway.Address, gateway.Version, gateway.Calls));
    }

    [Fact]
    public async Task TenantUsersEvenOwnersGetNoFleet()
    {
        foreach (var user in new[] { api.Demo.Demo.Owner, api.Demo.Demo.Manager, api.Demo.Demo2.Owner })
        {
            var client = api.Client(user);
            Assert.Equal("FORBIDDEN", (await client.ExecuteAsync("{ mediaWorkers { id } }")).ErrorCode);
            Assert.Equal("FORBIDDEN", (await client.ExecuteAsync("{ sipGateways { id } }")).ErrorCode);
        }
    }

    [Fact]
    public async Task ManagersSeeWhereAMeetingIsPlacedMembersDoNot()
    {
        var meetingId = await RunningMeetingAsync("v=0\r\n");
        var placed = (await Client.GetGrain<IMeetingGrain>(meetingId).GetAsync(Caller.System(api.Demo.Demo.Id)))!.MediaWorkerId;
        Assert.NotNull(placed);
        const string query = "query($id: ID!) { meeting(id: $id) { mediaWorkerId mediaWorkers } }";

        var manager = (await api.Client(api.Demo.Demo.Manager).ExecuteAsync(query, new { id = meetingId })).Field("meeting");
        var chair = (await api.Client(api.Demo.Demo.Chair).ExecuteAsync(query, new { id = meetingId })).Field("meeting");

        Assert.Equal(placed, manager.GetProperty("mediaWorkerId").GetString());
        Assert.Equal([placed], manager.GetProperty("mediaWorkers").EnumerateArray().Select(w => w.GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, chair.GetProperty("mediaWorkerId").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, chair.GetProperty("mediaWorkers").ValueKind);
    }

    [Fact]
    public async Task TheChairsPreviewUrlServesTheWorkersJpegOnEveryGetWhateverQueryIsAppended()
    {
        var meetingId = await RunningMeetingAsync("v=0\r\n");

        var url = await api.Client(api.Demo.Demo.Chair).GetMeetingPreviewUrlAsync(meetingId);

        Assert.NotNull(url);
        Assert.Contains("/media/preview/", url, StringComparison.Ordinal);
        foreach (var variant in new[] { url, url + "?t=1", url + "&t=2", url + "?t=3&t=4" })
        {
            using var response = await api.Http.GetAsync(variant);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
            Assert.True(response.Headers.CacheControl?.NoStore, variant);
            Assert.Equal(FakeMediaWorker.Jpeg, await response.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task AnAudioOnlyMeetingAndAMeetingNotRunningHaveNoPreviewUrl()
    {
        var audioOnly = await RunningMeetingAsync("v=0\r\ns=audio-only\r\n");
        var notStarted = Guid.NewGuid();
        await Client.GetGrain<IMeetingGrain>(notStarted).CreateAsync(Caller.System(api.Demo.Demo.Id), new MeetingSpec("Later", [new PlannedParticipant("1003", MeetingRole: Role.Chair)]));

        Assert.Null(await api.Client(api.Demo.Demo.Chair).GetMeetingPreviewUrlAsync(audioOnly));
        Assert.Null(await api.Client(api.Demo.Demo.Chair).GetMeetingPreviewUrlAsync(notStarted));
    }

    [Fact]
    public async Task AMemberWithNoPartInTheMeetingGetsNoUrlAndNoPictureAndOtherTenantsFindNothing()
    {
        var meetingId = await RunningMeetingAsync("v=0\r\n");

        Assert.Null(await api.Client(api.Demo.Demo.Member).GetMeetingPreviewUrlAsync(meetingId));
        var otherTenant = await api.Client(api.Demo.Demo2.Owner).ExecuteAsync("query($id: ID!) { meeting(id: $id) { previewUrl } }", new { id = meetingId });
        Assert.True(otherTenant.ErrorCode is "NOT_FOUND" || otherTenant.Data?.GetProperty("meeting").ValueKind == System.Text.Json.JsonValueKind.Null,
            $"other tenant: {otherTenant.ErrorCode}");

        // A link for the member made with the host's own key still shows nothing: the grain checks every GET.
        var signer = api.Cluster.Api!.Services.GetRequiredService<MediaLinkSigner>();
        var origin = api.Endpoint.GetLeftPart(UriPartial.Authority);
        var (memberToken, _) = signer.Issue(MediaLinkKind.LivePreview, api.Demo.Demo.Id, "1004", meetingId, meetingId);
        var (foreignToken, _) = signer.Issue(MediaLinkKind.LivePreview, api.Demo.Demo2.Id, "1001", meetingId, meetingId);
        using var member = await api.Http.GetAsync($"{origin}/media/preview/{memberToken}");
        using var foreign = await api.Http.GetAsync($"{origin}/media/preview/{foreignToken}");
        Assert.Equal(HttpStatusCode.NotFound, member.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task ATamperedOrForeignKindOfTokenIsRefused()
    {
        var meetingId = await RunningMeetingAsync("v=0\r\n");
        var url = (await api.Client(api.Demo.Demo.Chair).GetMeetingPreviewUrlAsync(meetingId))!;
        var token = url[(url.LastIndexOf('/') + 1)..];
        var baseUrl = url[..(url.LastIndexOf('/') + 1)];
        var flipped = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
        // A valid playback link's token is not a preview token.
        var (playToken, _) = api.Cluster.Api!.Services.GetRequiredService<MediaLinkSigner>()
            .Issue(MediaLinkKind.Play, api.Demo.Demo.Id, "1003", meetingId, meetingId);

        foreach (var bad in new[] { flipped, "garbage", token[..token.IndexOf('.')], playToken })
        {
            using var response = await api.Http.GetAsync(baseUrl + bad);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", api.Demo.Demo.Owner.Token);
        using var otherUser = await api.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, otherUser.StatusCode);
    }

    /// <summary>A meeting of the demo tenant with 1003 as chair, placed on the fake worker with one
    /// guest connected (with video unless the SDP says "audio-only").</summary>
    private async Task<Guid> RunningMeetingAsync(string sdp)
    {
        var id = Guid.NewGuid();
        var meeting = Client.GetGrain<IMeetingGrain>(id);
        var system = Caller.System(api.Demo.Demo.Id);
        await meeting.CreateAsync(system, new MeetingSpec("Preview", [new PlannedParticipant("1003", MeetingRole: Role.Chair)]));
        var joined = await meeting.JoinAsync(system, new JoinRequest($"call-{Guid.NewGuid():N}", "sip:guest@example.test", "Guest", null, sdp, new LegSecurity(false, false), null));
        Assert.Equal(JoinRefusal.None, joined.Refusal);
        return id;
    }
}
