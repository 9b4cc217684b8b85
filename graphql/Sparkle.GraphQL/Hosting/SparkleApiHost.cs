using Orleans.Runtime;
using Sparkle.GraphQL.Auth;
using Sparkle.GraphQL.Identity;
using Sparkle.GraphQL.Minutes;
using Sparkle.GraphQL.Recordings;
using Sparkle.GraphQL.Schema;
using Sparkle.GraphQL.Transport;
using Sparkle.GraphQL.Usage;
using Sparkle.GraphQL.Webhooks;
using Sparkle.ServiceDefaults;

namespace Sparkle.GraphQL.Hosting;

/// <summary>Builds the API host: an Orleans client of the Sparkle cluster serving /health, /graphql and the console sign-in under /auth.
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

        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.UseAuthentication();
        app.UseRateLimiter();
        app.MapGet("/health", HealthEndpoint.HandleAsync);
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
            return;
        }
        var cluster = builder.Configuration.GetClusterOptions();
        builder.UseOrleansClient(client =>
            client.UseLocalhostClustering(port, cluster.ServiceId, cluster.ClusterId));
    }
}
