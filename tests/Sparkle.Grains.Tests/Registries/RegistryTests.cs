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
