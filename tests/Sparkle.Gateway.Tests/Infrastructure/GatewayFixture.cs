using Microsoft.Extensions.Logging.Abstractions;
using Orleans.TestingHost;
using Sparkle.Gateway.Hosting;
using Sparkle.Grains;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Media;
using Sparkle.Grains.Tenants;

namespace Sparkle.Gateway.Tests.Infrastructure;

/// <summary>A real gateway (SIP stack, focus, registrar) against a TestCluster running the real grains,
/// with a fake media worker standing in for the media process. One per test collection.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery";

    private Timer? _heartbeat;

    public TestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;
    public SipGateway Gateway { get; private set; } = null!;
    public FakeMediaWorker Worker { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();

        var workerRef = Grains.CreateObjectReference<IMediaWorker>(Worker);
        var workers = Grains.GetGrain<IMediaWorkerRegistryGrain>(0);
        var info = new MediaWorkerInfo("fake-worker", "127.0.0.1", 1000, 0, 0, DateTimeOffset.UtcNow);
        await workers.RegisterAsync(info, workerRef);
        _heartbeat = new Timer(_ => _ = BeatAsync(workers, workerRef, info), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        Gateway = new SipGateway(new SipGatewayOptions
        {
            Address = "127.0.0.1",
            UdpPort = 0,
            TcpPort = 0,
            TlsPort = 0,
            GatewayId = "gateway-test",
            // Short enough to keep the suite quick, long enough that bursts of changes coalesce.
            NotifyIntervalSeconds = 0.5,
        }, Grains, NullLoggerFactory.Instance);
        await Gateway.StartAsync();
        // The gateway registers itself within its first heartbeat.
        await Task.Delay(200);
    }

    public async Task DisposeAsync()
    {
        if (_heartbeat is not null)
        {
            await _heartbeat.DisposeAsync();
        }
        await Gateway.StopAsync();
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    /// <summary>A fresh tenant per test: 1001 owner, 1003 chair, 1004 and 1005 members, all with SIP passwords.</summary>
    public async Task<(Guid Id, string Domain)> CreateTenantAsync(TenantPolicies? policies = null)
    {
        var id = Guid.NewGuid();
        var domain = $"t{id:N}.sparkle.test";
        var tenant = Grains.GetGrain<ITenantGrain>(id);
        await tenant.CreateAsync(Caller.Operator, $"tenant-{id:N}", [domain], policies ?? new TenantPolicies());
        foreach (var (number, role) in new[] { ("1001", Role.Owner), ("1003", Role.Chair), ("1004", Role.Member), ("1005", Role.Member) })
        {
            await tenant.AddUserAsync(Caller.System(id), new UserSpec(number, $"User {number}", role, SipPassword: Password));
        }
        return (id, domain);
    }

    private async Task BeatAsync(IMediaWorkerRegistryGrain workers, IMediaWorker workerRef, MediaWorkerInfo info)
    {
        try
        {
            if (!await workers.HeartbeatAsync(info.WorkerId, 0, 0, 0.1))
            {
                await workers.RegisterAsync(info with { LastSeen = DateTimeOffset.UtcNow }, workerRef);
            }
        }
        catch (Exception)
        {
            // Shutting down.
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage(SparkleStorage.Name);
            siloBuilder.UseInMemoryReminderService();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
