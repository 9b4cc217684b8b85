using Orleans.Runtime;
using Sparkle.GraphQL.Auth;
using Sparkle.GraphQL.Identity;
using Sparkle.GraphQL.Minutes;
using Sparkle.GraphQL.Recordings;
using Sparkle.GraphQL.Schema;
using Sparkle.GraphQL.Transport;
using Sparkle.GraphQL.Usage;
using Sparkle.GraphQL.Webhooks;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Sparkle.GraphQL.Operations;
using Sparkle.ServiceDefaults;
using Sparkle.ServiceDefaults.Telemetry;

namespace Sparkle.GraphQL.Hosting;

/// <summary>Builds the API host: an Orleans client of the Sparkle cluster serving /health, /graphql, the console sign-in under /auth,
/// /metrics (Prometheus) and the operators' Orleans dashboard under /dashboard.
/// Tests build the same application with their own configuration.</summary>
public static class SparkleApiHost
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.WebHost.UseUrls(builder.Configuration["Http:Url"] ?? DefaultUrl);
        // The console's files come from the build output of Sparkle.Console (run.sh and test.sh start the
        // host from its build folder, not from a publish).
        builder.WebHost.UseStaticWebAssets();

        AddClusterClient(builder);
        builder.Services.AddSingleton<Orleans.IClientConnectionRetryFilter, ClusterConnectionRetryFilter>();
        builder.AddSparkleIdentity();
        builder.Services.AddSparkleGraphQL(builder.Configuration);
        builder.Services.AddSparkleRateLimits(builder.Configuration);
        builder.Services.AddSparkleWebhooks(builder.Configuration);
        builder.Services.AddSparkleRecordingPlayback(builder.Configuration);
        builder.Services.AddSparkleMinutes();
        builder.Services.AddSparkleUsageExport();
        builder.Services.AddSparkleAuth(builder.Configuration);
        builder.AddSparkleTelemetry("sparkle-graphql", meters: ["Microsoft.AspNetCore.Hosting"],
            metrics: m => m.AddPrometheusExporter(), tracing: t => t.AddAspNetCoreInstrumentation());
        builder.AddOperatorDashboard();

        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapGet("/health", HealthEndpoint.HandleAsync);
        // Prometheus scrapes here (request latency as http.server.request.duration, Orleans' grain call latency).
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapOperatorDashboard();
        app.MapSparkleGraphQL("/graphql");
        app.MapSparkleMedia();
        app.MapSparkleMinutes();
        app.MapSparkleUsageExport();
        app.MapSparkleAuth();
        ConsoleFiles.Map(app);
        return app;
    }

    /// <summary>The cluster is found through the ADO.NET membership table; "Cluster:Localhost" (tests,
    /// a single dev silo without PostgreSQL membership) uses the localhost gateway instead.</summary>
    private static void AddClusterClient(WebApplicationBuilder builder)
    {
        var localGatewayPort = builder.Configuration.GetValue<int?>("Cluster:LocalhostGatewayPort");
        if (localGatewayPort is not { } port)
        {
            builder.AddSparkleClusterClient();
        }
        else
        {
            var cluster = builder.Configuration.GetClusterOptions();
            builder.UseOrleansClient(client =>
                client.UseLocalhostClustering(port, cluster.ServiceId, cluster.ClusterId).AddActivityPropagation());
        }
        // The dashboard's pages read the silos' collectors (every silo adds the dashboard).
        builder.UseOrleansClient(client => client.AddDashboard());
    }
}
