using Microsoft.Extensions.DependencyInjection;
using Sparkle.Client;
using Sparkle.GraphQL.Identity;

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
        DemoData? demo;
        while ((demo = DemoData.TryRead(Cluster.DemoFile)) is null)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The API host did not write tokens into {Cluster.DemoFile} within 90 s.");
            }
            await Task.Delay(200);
        }
        Demo = demo;

        // A user with the narrowest tenant role, for the permission matrix.
        (await Client(demo.Demo.Owner).ExecuteAsync(
            "mutation { addUser(input: { number: \"1099\", displayName: \"Pat Participant\", role: participant }) { number } }")).EnsureSuccess();
        var issuer = Cluster.Api!.Services.GetRequiredService<LocalTokenIssuer>();
        ParticipantToken = issuer.IssueForUser(demo.Demo.Id, "1099", TimeSpan.FromHours(1));
    }

    /// <summary>Token of user 1099 of tenant demo, whose tenant role is participant.</summary>
    public string ParticipantToken { get; private set; } = "";

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
