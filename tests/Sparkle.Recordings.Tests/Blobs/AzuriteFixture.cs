namespace Sparkle.Recordings.Tests.Blobs;

/// <summary>The blob store under test: the Azurite named by SPARKLE_TEST_AZURITE (a connection string, set by
/// ./test.sh), or else one started here and stopped at the end.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string Collection = "Azurite";

    private AzuriteServer? _own;

    public string ConnectionString { get; private set; } = "";

    /// <summary>Started by this fixture (so tests may stop and restart it), or null when given from outside.</summary>
    public AzuriteServer? Own => _own;

    public async Task InitializeAsync()
    {
        string? given = Environment.GetEnvironmentVariable("SPARKLE_TEST_AZURITE");
        if (!string.IsNullOrWhiteSpace(given))
        {
            ConnectionString = given;
            return;
        }
        _own = await AzuriteServer.StartNewAsync();
        ConnectionString = _own.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_own is not null)
        {
            await _own.DisposeAsync();
        }
    }
}

[CollectionDefinition(AzuriteFixture.Collection)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>;
