using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;
using Sparkle.Grains.Listings;
using Sparkle.Grains.Tests.Postgres;
using Sparkle.Silo;
using Sparkle.Silo.Listings;

namespace Sparkle.Grains.Tests.Listings;

/// <summary>A TestCluster whose grains keep their state in memory (so seeding thousands of meetings is not a
/// test of the catalog's blob writes) but whose listing index is the real one on the test PostgreSQL, under a
/// service id of its own.</summary>
public sealed class ListingFixture : IAsyncLifetime
{
    public static readonly string ServiceId = "listing-test-" + Guid.NewGuid().ToString("N")[..12];

    public TestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        await PostgresSchema.ApplyAsync(PostgresSilo.ConnectionString);
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await using var connection = new NpgsqlConnection(PostgresSilo.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "DELETE FROM listing_meetings WHERE service_id = @s; DELETE FROM listing_users WHERE service_id = @s", connection);
        command.Parameters.AddWithValue("s", ServiceId);
        await command.ExecuteNonQueryAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage(SparkleStorage.Name);
            siloBuilder.UseInMemoryReminderService();
            siloBuilder.Services.AddSingleton<Sparkle.Recordings.IKeyEncryptionService>(new Infrastructure.InMemoryKeyService());
            siloBuilder.Services.AddSingleton<IListingIndex>(
                new PostgresListingIndex(NpgsqlDataSource.Create(PostgresSilo.ConnectionString), ServiceId));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ListingCollection : ICollectionFixture<ListingFixture>
{
    public const string Name = "listing";
}
