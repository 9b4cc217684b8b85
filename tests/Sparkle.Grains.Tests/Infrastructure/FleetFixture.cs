using Orleans.TestingHost;
using Sparkle.Grains.Gateway;
using Sparkle.Grains.Media;

namespace Sparkle.Grains.Tests.Infrastructure;

/// <summary>A TestCluster of its own with several fake media workers that a test can kill (no more heartbeats, probes
/// refused) or pause and resume, for the re-home, drain and zombie tests; the grains and the registry are real. Separate
/// from <see cref="ClusterFixture"/>, whose one worker every other test relies on.</summary>
public sealed class FleetFixture : IAsyncLifetime
{
    private readonly List<FleetWorker> _workers = [];
    private ISipGateway? _gatewayRef;
    private static GatewayInfo GatewayInfo => new("fleet-gateway", "127.0.0.1", "test", 0, DateTimeOffset.UtcNow);
    private Timer? _heartbeat;

    public TestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;
    public FakeSipGateway Gateway { get; } = new();
    public IMediaWorkerRegistryGrain Registry => Grains.GetGrain<IMediaWorkerRegistryGrain>(0);

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<ClusterFixture.SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        _gatewayRef = Cluster.Client.CreateObjectReference<ISipGateway>(Gateway);
        await Grains.GetGrain<IGatewayRegistryGrain>(0).RegisterAsync(GatewayInfo, _gatewayRef);
        _heartbeat = new Timer(_ => _ = BeatAsync(), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
    }

    /// <summary>Registers a new worker; <paramref name="load"/> legs of pretend load steer placement away from it.</summary>
    public async Task<FleetWorker> AddWorkerAsync(int capacity = 100, int load = 0)
    {
        var worker = new FleetWorker($"fleet-{Guid.NewGuid():N}", new FakeMediaWorker(), capacity) { Load = load };
        worker.Reference = Cluster.Client.CreateObjectReference<IMediaWorker>(worker.Fake);
        worker.Generation = await Registry.RegisterAsync(worker.Describe(), worker.Reference);
        lock (_workers)
        {
            _workers.Add(worker);
        }

        await Registry.HeartbeatAsync(worker.Id, worker.Load, 0, 0);
        return worker;
    }

    /// <summary>Takes every worker of earlier tests out of the registry quietly (unregistered, not declared dead), so each
    /// test places its meetings among its own workers.</summary>
    public async Task ResetAsync()
    {
        List<FleetWorker> workers;
        lock (_workers)
        {
            workers = [.. _workers];
            _workers.Clear();
        }

        foreach (var worker in workers)
        {
            worker.Paused = true;
            await Registry.UnregisterAsync(worker.Id);
        }
    }

    private async Task BeatAsync()
    {
        List<FleetWorker> workers;
        lock (_workers)
        {
            workers = [.. _workers];
        }

        try
        {
            var gateways = Grains.GetGrain<IGatewayRegistryGrain>(0);
            if (_gatewayRef is not null && !await gateways.HeartbeatAsync(GatewayInfo.GatewayId, 0))
            {
                await gateways.RegisterAsync(GatewayInfo, _gatewayRef);
            }
        }
        catch (Exception)
        {
            // The cluster is shutting down.
        }

        foreach (var worker in workers.Where(w => !w.Fake.Dead && !w.Paused))
        {
            try
            {
                if (!await Registry.HeartbeatAsync(worker.Id, worker.Load + worker.Fake.LiveLegs.Count, 0, 0))
                {
                    worker.Generation = await Registry.RegisterAsync(worker.Describe(), worker.Reference);
                }
            }
            catch (Exception)
            {
                // The cluster is shutting down.
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_heartbeat is not null)
        {
            await _heartbeat.DisposeAsync();
        }

        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

public sealed class FleetWorker(string id, FakeMediaWorker fake, int capacity)
{
    public string Id { get; } = id;
    public FakeMediaWorker Fake { get; } = fake;
    public IMediaWorker Reference { get; set; } = null!;
    public int Load { get; set; }
    public long Generation { get; set; }
    /// <summary>No heartbeats (a paused VM); probes still time out only if <see cref="FakeMediaWorker.Dead"/>.</summary>
    public bool Paused { get; set; }
    public Guid InstanceId { get; } = Guid.NewGuid();

    public MediaWorkerInfo Describe() => new(Id, "127.0.0.1", capacity, Load, 0, DateTimeOffset.UtcNow, "test", 0, InstanceId, Generation);
}

[CollectionDefinition(Name)]
public sealed class FleetCollection : ICollectionFixture<FleetFixture>
{
    public const string Name = "fleet";
}
