using Sparkle.Grains.Gateway;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Media;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Registries;

[Collection(ClusterCollection.Name)]
public sealed class RegistryTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ASilentWorkerIsDroppedAndMustRegisterAgain()
    {
        var registry = fixture.Grains.GetGrain<IMediaWorkerRegistryGrain>(0);
        var id = $"silent-{Guid.NewGuid():N}";
        var worker = fixture.Cluster.Client.CreateObjectReference<IMediaWorker>(new FakeMediaWorker());
        await registry.RegisterAsync(new MediaWorkerInfo(id, "127.0.0.2", 10, 0, 0, DateTimeOffset.UtcNow), worker);
        Assert.True(await registry.HeartbeatAsync(id, 0, 0, 0));

        // No heartbeats: the registry's timer drops it after DeadAfter.
        await Eventually.WaitAsync(async () => (await registry.ListAsync()).Any(w => w.WorkerId == id), present => !present, "the drop", seconds: 30);

        Assert.False(await registry.HeartbeatAsync(id, 0, 0, 0));
        Assert.Null(await registry.GetWorkerAsync(id));
    }

    [Fact]
    public async Task PlacementPicksTheLeastLoadedWorkerWithRoomAndKeepsIt()
    {
        var registry = fixture.Grains.GetGrain<IMediaWorkerRegistryGrain>(0);
        var busy = $"busy-{Guid.NewGuid():N}";
        var idle = $"idle-{Guid.NewGuid():N}";
        var reference = fixture.Cluster.Client.CreateObjectReference<IMediaWorker>(new FakeMediaWorker());
        try
        {
            // Bigger than the shared fixture worker, so only these two have room for 500 legs.
            await registry.RegisterAsync(new MediaWorkerInfo(busy, "127.0.0.3", 1000, 0, 0, DateTimeOffset.UtcNow), reference);
            await registry.RegisterAsync(new MediaWorkerInfo(idle, "127.0.0.4", 1000, 0, 0, DateTimeOffset.UtcNow), reference);
            await registry.HeartbeatAsync(busy, 500, 5, 0.5);
            await registry.HeartbeatAsync(idle, 10, 1, 0.1);
            var meeting = Guid.NewGuid();

            Assert.Equal(idle, await registry.PlaceAsync(meeting, 500));
            Assert.Equal(idle, await registry.PlaceAsync(meeting, 500));
            // idle now holds 10 + 500 until its next heartbeat: no room for 500 more, busy has exactly.
            Assert.Equal(busy, await registry.PlaceAsync(Guid.NewGuid(), 500));
            Assert.Null(await registry.PlaceAsync(Guid.NewGuid(), 600));
        }
        finally
        {
            await registry.UnregisterAsync(busy);
            await registry.UnregisterAsync(idle);
        }
    }

    [Fact]
    public async Task TheFleetListsCarryWhatRegistrationAndTheLastHeartbeatSaid()
    {
        var workers = fixture.Grains.GetGrain<IMediaWorkerRegistryGrain>(0);
        var gateways = fixture.Grains.GetGrain<IGatewayRegistryGrain>(0);
        var workerId = $"fleet-{Guid.NewGuid():N}";
        var gatewayId = $"fleet-gw-{Guid.NewGuid():N}";
        var before = DateTimeOffset.UtcNow;
        await workers.RegisterAsync(new MediaWorkerInfo(workerId, "10.0.0.7", 300, 0, 0, DateTimeOffset.MinValue, "1.2.3+abc", 0),
            fixture.Cluster.Client.CreateObjectReference<IMediaWorker>(new FakeMediaWorker()));
        await gateways.RegisterAsync(new GatewayInfo(gatewayId, "sip.example.test", "1.2.3+def", 0, DateTimeOffset.MinValue),
            fixture.Cluster.Client.CreateObjectReference<ISipGateway>(new FakeSipGateway()));
        try
        {
            Assert.True(await workers.HeartbeatAsync(workerId, 42, 3, 0.25));
            Assert.True(await gateways.HeartbeatAsync(gatewayId, 7));

            var worker = Assert.Single(await workers.ListAsync(), w => w.WorkerId == workerId);
            Assert.Equal(("10.0.0.7", "1.2.3+abc", 300, 42, 3, 0.25), (worker.MediaAddress, worker.Version, worker.CapacityLegs, worker.ActiveLegs, worker.Meetings, worker.CpuLoad));
            Assert.InRange(worker.LastSeen, before, DateTimeOffset.UtcNow);
            var gateway = Assert.Single(await gateways.ListAsync(), g => g.GatewayId == gatewayId);
            Assert.Equal(("sip.example.test", "1.2.3+def", 7), (gateway.Address, gateway.Version, gateway.Calls));
            Assert.InRange(gateway.LastSeen, before, DateTimeOffset.UtcNow);
        }
        finally
        {
            await workers.UnregisterAsync(workerId);
            await gateways.UnregisterAsync(gatewayId);
        }
    }

    [Fact]
    public async Task GatewayPickPrefersTheNamedLiveGateway()
    {
        var registry = fixture.Grains.GetGrain<IGatewayRegistryGrain>(0);
        var fake = new FakeSipGateway();
        var id = $"gw-{Guid.NewGuid():N}";
        await registry.RegisterAsync(new GatewayInfo(id, "127.0.0.1", "test", 0, DateTimeOffset.UtcNow), fixture.Cluster.Client.CreateObjectReference<ISipGateway>(fake));
        try
        {
            var picked = await registry.PickAsync(id);
            await picked!.HangUpAsync(Guid.Empty, "probe");
            Assert.Single(fake.HangUps);
            Assert.NotNull(await registry.PickAsync("unknown"));
        }
        finally
        {
            await registry.UnregisterAsync(id);
        }

        Assert.False(await registry.HeartbeatAsync(id, 0));
    }

    [Fact]
    public async Task BindingsExpireAndAreWrittenOnlyByTheGateway()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var registration = fixture.Grains.GetGrain<IRegistrationGrain>(Sparkle.Grains.Tenants.UserKey.For(t.Id, "1004"));
        var now = DateTimeOffset.UtcNow;

        await registration.BindAsync(t.System, new RegistrationBinding("sip:1004@10.0.0.1:5060", now.AddMinutes(5), "gw-1", "udp:10.0.0.1:5060", null));
        var bindings = await registration.BindAsync(t.System, new RegistrationBinding("sip:1004@10.0.0.2:5060", now.AddSeconds(-1), "gw-1", "udp:10.0.0.2:5060", null));

        Assert.Equal("sip:1004@10.0.0.1:5060", Assert.Single(bindings).ContactUri);
        Assert.Single(await registration.GetBindingsAsync(t.Member));
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            registration.BindAsync(t.Member, new RegistrationBinding("sip:evil@10.0.0.9", now.AddMinutes(5), "gw", "udp:x", null)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => registration.GetBindingsAsync(t.OtherMember));
        Assert.Empty(await registration.RemoveAllAsync(t.System));
    }
}
