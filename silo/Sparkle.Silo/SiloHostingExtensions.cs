using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Dashboard;
using Sparkle.Grains;
using Sparkle.ServiceDefaults;

namespace Sparkle.Silo;

public static class SiloHostingExtensions
{
    /// <summary>Makes this host a Sparkle silo: cluster options from "Cluster" (or SPARKLE_PG), ports from
    /// "Silo", clustering, grain storage and reminders on PostgreSQL through ADO.NET, and the demo seeding
    /// of "Seed" (on unless Seed:Demo is false).</summary>
    public static IHostApplicationBuilder AddSparkleSilo(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetClusterOptions();
        var silo = new SparkleSiloOptions();
        builder.Configuration.GetSection(SparkleSiloOptions.Section).Bind(silo);

        if (silo.ApplySchema)
        {
            // Hosted services start in registration order: the schema is there before Orleans reads it.
            builder.Services.AddHostedService(sp =>
                new SchemaInstaller(cluster.ConnectionString, sp.GetRequiredService<ILogger<SchemaInstaller>>()));
        }

        // The listing index lives beside the grain state; the grains that own the data keep it current.
        builder.Services.AddSingleton<Sparkle.Grains.Listings.IListingIndex>(_ =>
            new Listings.PostgresListingIndex(Npgsql.NpgsqlDataSource.Create(cluster.ConnectionString), cluster.ServiceId));

        // Usage records: append-only tables beside the grain state, written in the background by one writer per silo.
        builder.Services.AddSingleton<Sparkle.Grains.Usage.IUsageLedger>(_ =>
            new Usage.PostgresUsageLedger(Npgsql.NpgsqlDataSource.Create(cluster.ConnectionString), cluster.ServiceId));
        builder.Services.AddSingleton(sp => new Sparkle.Grains.Usage.UsageWriter(
            sp.GetRequiredService<Sparkle.Grains.Usage.IUsageLedger>(), sp.GetRequiredService<ILogger<Sparkle.Grains.Usage.UsageWriter>>()));

        builder.UseOrleans(orleans =>
        {
            orleans.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            orleans.ConfigureEndpoints(IPAddress.Parse(silo.AdvertisedAddress), silo.SiloPort, silo.GatewayPort);
            orleans.UseAdoNetClustering(o =>
            {
                o.Invariant = SparkleClusterOptions.Invariant;
                o.ConnectionString = cluster.ConnectionString;
            });
            orleans.AddAdoNetGrainStorage(SparkleStorage.Name, o =>
            {
                o.Invariant = SparkleClusterOptions.Invariant;
                o.ConnectionString = cluster.ConnectionString;
            });
            orleans.Services.AddOptions<AdoNetGrainStorageOptions>(SparkleStorage.Name)
                .Configure<IServiceProvider>((o, services) => o.GrainStorageSerializer = new StateSerializer(
                    services.GetRequiredService<Orleans.Serialization.Serializer>(),
                    services.GetRequiredService<Orleans.Serialization.OrleansJsonSerializer>()));
            orleans.UseAdoNetReminderService(o =>
            {
                o.Invariant = SparkleClusterOptions.Invariant;
                o.ConnectionString = cluster.ConnectionString;
            });
            // A grain call's span is a child of its caller's (the gateway's INVITE, the API's request), and the
            // grain's own calls (to a media worker) carry the trace on.
            orleans.AddActivityPropagation();
            // The Orleans dashboard's collectors; the GraphQL host serves its pages to operators.
            orleans.AddDashboard();
        });

        builder.AddSparkleRecordings();
        builder.AddSparkleDemoSeed();
        return builder;
    }

    /// <summary>The tenant key ring (always: keys can be rotated and forgotten without a blob store) and the
    /// recording blob store (only when "Recordings:BlobConnectionString" is set).</summary>
    public static IHostApplicationBuilder AddSparkleRecordings(this IHostApplicationBuilder builder)
    {
        var options = new RecordingsOptions();
        builder.Configuration.GetSection(RecordingsOptions.Section).Bind(options);
        builder.Services.AddSingleton<Sparkle.Recordings.IKeyEncryptionService>(new Sparkle.Recordings.FileKeyRing(Path.GetFullPath(options.KeyFolder)));
        if (!string.IsNullOrWhiteSpace(options.BlobConnectionString))
        {
            builder.Services.AddSingleton(new Sparkle.Recordings.RecordingBlobStore(options.BlobConnectionString, options.BlobContainer));
        }

        return builder;
    }

    /// <summary>Seeds the demo tenants on first start (after the silo is up); see <see cref="DemoSeeder"/>.</summary>
    public static IHostApplicationBuilder AddSparkleDemoSeed(this IHostApplicationBuilder builder)
    {
        var seed = new DemoSeedOptions();
        builder.Configuration.GetSection(DemoSeedOptions.Section).Bind(seed);
        if (seed.Demo)
        {
            builder.Services.AddSingleton(seed);
            builder.Services.AddHostedService<DemoSeeder>();
        }

        return builder;
    }
}
