using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Sparkle.Grains;
using Sparkle.Grains.Gateway;
using Sparkle.Grains.Media;

namespace Sparkle.Grains.Tests.Infrastructure;

/// <summary>One TestCluster (memory storage and reminders) shared by the behaviour tests, with one fake
/// media worker and one fake SIP gateway registered as the other processes would (test doubles of
/// other processes; the grains are real).</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int WorkerCapacity = 400;

    private Timer? _heartbeat;

    public TestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;
    public FakeMediaWorker Worker { get; } = new();
    public FakeSipGateway Gateway { get; } = new();
    public string WorkerId { get; } = $"worker-{Guid.NewGuid():N}";
    public string GatewayId { get; } = $"gateway-{Guid.NewGuid():N}";

    private GatewayInfo GatewayInfo => new(GatewayId, "127.0.0.1", "test", 0, DateTimeOffset.UtcNow);

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();

        var workerRef = Cluster.Client.CreateObjectReference<IMediaWorker>(Worker);
        var gatewayRef = Cluster.Client.CreateObjectReference<ISipGateway>(Gateway);
        var workers = Grains.GetGrain<IMediaWorkerRegistryGrain>(0);
        var gateways = Grains.GetGrain<IGatewayRegistryGrain>(0);
        await workers.RegisterAsync(new MediaWorkerInfo(WorkerId, "127.0.0.1", WorkerCapacity, 0, 0, DateTimeOffset.UtcNow), workerRef);
        await gateways.RegisterAsync(GatewayInfo, gatewayRef);

        // Heartbeat every second like the real processes, registering again when told to.
        _heartbeat = new Timer(_ => _ = BeatAsync(workers, gateways, workerRef, gatewayRef), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
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

    private async Task BeatAsync(IMediaWorkerRegistryGrain workers, IGatewayRegistryGrain gateways, IMediaWorker workerRef, ISipGateway gatewayRef)
    {
        try
        {
            if (!await workers.HeartbeatAsync(WorkerId, 0, 0, 0.1))
            {
                await workers.RegisterAsync(new MediaWorkerInfo(WorkerId, "127.0.0.1", WorkerCapacity, 0, 0, DateTimeOffset.UtcNow), workerRef);
            }

            if (!await gateways.HeartbeatAsync(GatewayId, 0))
            {
                await gateways.RegisterAsync(GatewayInfo, gatewayRef);
            }
        }
        catch (Exception)
        {
            // The cluster is shutting down.
        }
    }

    internal sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage(SparkleStorage.Name);
            siloBuilder.UseInMemoryReminderService();
            // As the silo host does: grain calls carry their caller's trace context.
            siloBuilder.AddActivityPropagation();
            // Crypto is not what the grain tests test: an in-memory key ring (see InMemoryKeyService). The blob
            // store is the real class over a store that is not there: deletions fail and are kept for retry,
            // which the grains must survive (keys are forgotten first).
            siloBuilder.Services.AddSingleton<Sparkle.Recordings.IKeyEncryptionService>(new InMemoryKeyService());
            siloBuilder.Services.AddSingleton(new Sparkle.Recordings.RecordingBlobStore("UseDevelopmentStorage=true"));
        }
    }
}

/// <summary>The client as every Sparkle process configures it: trace context travels with its grain calls.</summary>
public sealed class ClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder) =>
        clientBuilder.AddActivityPropagation();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
