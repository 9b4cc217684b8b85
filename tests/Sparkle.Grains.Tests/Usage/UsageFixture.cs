using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.TestingHost;
using Sparkle.Grains.Gateway;
using Sparkle.Grains.Media;
using Sparkle.Grains.Tests.Infrastructure;
using Sparkle.Grains.Tests.Postgres;
using Sparkle.Grains.Usage;
using Sparkle.Silo;
using Sparkle.Silo.Usage;

namespace Sparkle.Grains.Tests.Usage;

/// <summary>A TestCluster whose grains keep their state in memory, with a fake media worker and SIP gateway (the other
/// processes), and the real usage ledger and writer on the test PostgreSQL under a service id of its own. The rows stay
/// (the tables are append-only): every run writes under a fresh service id.</summary>
public sealed class UsageFixture : IAsyncLifetime
{
    public static readonly string ServiceId = "usage-test-" + Guid.NewGuid().ToString("N")[..12];

    public TestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;
    public FakeMediaWorker Worker { get; } = new();
    public FakeSipGateway Gateway { get; } = new();
    public PostgresUsageLedger Ledger { get; } = new(NpgsqlDataSource.Create(PostgresSilo.ConnectionString), ServiceId);

    public async Task InitializeAsync()
    {
        await PostgresSchema.ApplyAsync(PostgresSilo.ConnectionString);
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        var workerRef = Cluster.Client.CreateObjectReference<IMediaWorker>(Worker);
        var gatewayRef = Cluster.Client.CreateObjectReference<ISipGateway>(Gateway);
        await RegisterAsync(workerRef, gatewayRef);
        // Heartbeats as the real processes send them (by registering again), so the registries keep both.
        _heartbeat = new Timer(_ => _ = RegisterAsync(workerRef, gatewayRef), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private Timer? _heartbeat;
    private readonly string _workerId = $"worker-{Guid.NewGuid():N}";
    private readonly string _gatewayId = $"gateway-{Guid.NewGuid():N}";

    private async Task RegisterAsync(IMediaWorker workerRef, ISipGateway gatewayRef)
    {
        try
        {
            await Grains.GetGrain<IMediaWorkerRegistryGrain>(0).RegisterAsync(
                new MediaWorkerInfo(_workerId, "127.0.0.1", 400, 0, 0, DateTimeOffset.UtcNow), workerRef);
            await Grains.GetGrain<IGatewayRegistryGrain>(0).RegisterAsync(
                new GatewayInfo(_gatewayId, "127.0.0.1", "test", 0, DateTimeOffset.UtcNow), gatewayRef);
        }
        catch (Exception)
        {
            // The cluster is shutting down.
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
        await Ledger.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage(SparkleStorage.Name);
            siloBuilder.UseInMemoryReminderService();
            siloBuilder.Services.AddSingleton<Sparkle.Recordings.IKeyEncryptionService>(new InMemoryKeyService());
            siloBuilder.Services.AddSingleton<IUsageLedger>(new PostgresUsageLedger(NpgsqlDataSource.Create(PostgresSilo.ConnectionString), ServiceId));
            siloBuilder.Services.AddSingleton(sp => new UsageWriter(sp.GetRequiredService<IUsageLedger>(), sp.GetRequiredService<ILogger<UsageWriter>>()));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class UsageCollection : ICollectionFixture<UsageFixture>
{
    public const string Name = "usage";
}
