using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sparkle.GraphQL.Hosting;
using Sparkle.Silo;

namespace Sparkle.GraphQL.Tests;

/// <summary>A real silo (Sparkle.Silo's hosting, PostgreSQL clustering and storage, demo seeding) and the
/// real API host as its Orleans client on a free port. Each instance gets its own cluster and service id,
/// so runs never see each other's data; the same ids can be started again to test restarts.</summary>
public sealed class ClusterUnderTest
{
    private readonly Dictionary<string, string?> _settings;

    public ClusterUnderTest(string workFolder)
    {
        WorkFolder = workFolder;
        System.IO.Directory.CreateDirectory(workFolder);
        var pg = TestEnvironment.RequirePostgres();
        var id = "gqltest-" + Guid.NewGuid().ToString("N")[..12];
        _settings = new Dictionary<string, string?>
        {
            ["SPARKLE_PG"] = pg,
            ["Cluster:ConnectionString"] = pg,
            ["Cluster:ClusterId"] = id,
            ["Cluster:ServiceId"] = id,
            ["Silo:SiloPort"] = TestEnvironment.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Silo:GatewayPort"] = TestEnvironment.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Seed:Demo"] = "true",
            ["Seed:DemoFile"] = DemoFile,
            ["Identity:KeyFolder"] = Path.Combine(workFolder, "keys"),
            ["Http:Url"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            // Fast retries so the webhook tests see the backoff play out.
            ["Webhooks:RetryBaseMilliseconds"] = "300",
            ["Webhooks:MaxAttempts"] = "4",
            ["Webhooks:DiscoverySeconds"] = "1",
            // The test receivers listen on 127.0.0.1: the operator's on-premises exception, for that address only.
            ["Webhooks:AllowedPrivateNetworks:0"] = "127.0.0.1/32",
            ["GraphQL:ConnectionInitTimeoutSeconds"] = "2",
            // The limiter runs on every test request, with buckets no test run empties (ApiEdgeTests uses its own host).
            ["RateLimits:PerCallerPerSecond"] = "100000",
            ["RateLimits:PerCallerBurst"] = "100000",
            ["RateLimits:PerTenantPerSecond"] = "100000",
            ["RateLimits:PerTenantBurst"] = "100000",
            ["RateLimits:AnonymousPerSecond"] = "100000",
            ["RateLimits:AnonymousBurst"] = "100000",
        };
    }

    public string WorkFolder { get; }

    public string DemoFile => Path.Combine(WorkFolder, "demo.json");

    public IHost? Silo { get; private set; }

    public WebApplication? Api { get; private set; }

    public Uri GraphQLEndpoint { get; private set; } = new("http://127.0.0.1/");

    public IGrainFactory Grains => Silo!.Services.GetRequiredService<IGrainFactory>();

    public async Task StartSiloAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(_settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddSparkleSilo();
        Silo = builder.Build();
        await Silo.StartAsync();
    }

    public async Task StopSiloAsync()
    {
        if (Silo is not null)
        {
            await Silo.StopAsync();
            Silo.Dispose();
            Silo = null;
        }
    }

    public async Task StartApiAsync()
    {
        (Api, GraphQLEndpoint) = await StartExtraApiAsync(new Dictionary<string, string?>());
    }

    /// <summary>Another API host on the same cluster, with settings of its own (the caller stops it).</summary>
    public async Task<(WebApplication Api, Uri Endpoint)> StartExtraApiAsync(IReadOnlyDictionary<string, string?> overrides)
    {
        var api = SparkleApiHost.Create([], b =>
        {
            b.Configuration.AddInMemoryCollection(_settings);
            b.Configuration.AddInMemoryCollection(overrides);
            b.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await api.StartAsync();
        var address = api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (api, new Uri(address.TrimEnd('/') + "/graphql"));
    }

    public async Task StopApiAsync()
    {
        if (Api is not null)
        {
            await Api.StopAsync();
            await Api.DisposeAsync();
            Api = null;
        }
    }
}
