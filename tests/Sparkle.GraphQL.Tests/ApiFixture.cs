using Sparkle.Client;

namespace Sparkle.GraphQL.Tests;

/// <summary>One silo + API host for the whole collection, seeded with the demo tenants, whose tokens the
/// API host wrote into the seed file.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public ClusterUnderTest Cluster { get; } = new(Path.Combine(Path.GetTempPath(), "sparkle-gql-tests", Guid.NewGuid().ToString("N")));

    public DemoData Demo { get; private set; } = null!;

    public Uri Endpoint => Cluster.GraphQLEndpoint;

    public HttpClient Http => _http;

    public SparkleClient Client(string? token) => new(Endpoint, token, _http);

    public SparkleClient Client(DemoUser user) => Client(user.Token);

    public async Task InitializeAsync()
    {
        await Cluster.StartSiloAsync();
        await Cluster.StartApiAsync();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DemoData.TryRead(Cluster.DemoFile) is not { } demo)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The API host did not write tokens into {Cluster.DemoFile} within 90 s.");
            }
            await Task.Delay(200);
        }
        Demo = demo;
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopApiAsync();
        await Cluster.StopSiloAsync();
        _http.Dispose();
        try
        {
            System.IO.Directory.Delete(Cluster.WorkFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
