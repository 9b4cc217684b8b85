using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sparkle.Silo;

namespace Sparkle.Grains.Tests.Postgres;

/// <summary>A real Sparkle silo (the production host set-up) on the test PostgreSQL.</summary>
public sealed class PostgresSilo : IAsyncDisposable
{
    private PostgresSilo(IHost host) => Host = host;

    public IHost Host { get; }
    public IGrainFactory Grains => Host.Services.GetRequiredService<IGrainFactory>();
    public SiloAddress Address => Host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <summary>SPARKLE_TEST_PG, or a failure that says how to get one.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("SPARKLE_TEST_PG") is { Length: > 0 } pg
            ? pg
            : throw new Xunit.Sdk.XunitException(
                "SPARKLE_TEST_PG is not set. Start PostgreSQL with `infra/scripts/postgres.sh start /tmp/sparkle-pg-dev 5434` and "
                + "export SPARKLE_TEST_PG='Host=127.0.0.1;Port=5434;Username=sparkle;Database=sparkle' (./test.sh does this).");

    public static async Task<PostgresSilo> StartAsync(string clusterId, string serviceId, string? demoFile = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:ConnectionString"] = ConnectionString,
            ["Cluster:ClusterId"] = clusterId,
            ["Cluster:ServiceId"] = serviceId,
            ["Silo:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Silo:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Seed:Demo"] = demoFile is null ? "false" : "true",
            ["Seed:DemoFile"] = demoFile,
        });
        builder.AddSparkleSilo();
        var host = builder.Build();
        await host.StartAsync();
        return new PostgresSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Host.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            Host.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
