using System.Text.Json;
using Sparkle.Client;

namespace Sparkle.Console.BrowserTests;

/// <summary>The running platform the suite drives: where the console is (SPARKLE_GRAPHQL without /graphql),
/// the demo tenants and users (SPARKLE_DEMO), and an API client per user for setting up and checking.</summary>
public sealed class Platform
{
    public Platform()
    {
        var demoPath = Environment.GetEnvironmentVariable("SPARKLE_DEMO") ?? throw new InvalidOperationException("SPARKLE_DEMO is not set");
        using var demo = JsonDocument.Parse(File.ReadAllText(demoPath));
        var graphql = Environment.GetEnvironmentVariable("SPARKLE_GRAPHQL") is { Length: > 0 } g ? g : demo.RootElement.GetProperty("graphql").GetString()!;
        GraphQL = new Uri(graphql);
        Console = new Uri(GraphQL, "/");
        Tenants = demo.RootElement.GetProperty("tenants").EnumerateArray().Select(t => new DemoTenant(
            t.GetProperty("name").GetString()!,
            t.GetProperty("sipDomain").GetString()!,
            t.GetProperty("users").EnumerateArray().Select(u => new DemoUser(
                u.GetProperty("number").GetString()!,
                u.GetProperty("password").GetString()!,
                u.GetProperty("token").GetString()!)).ToList())).ToList();
        Results = Environment.GetEnvironmentVariable("SPARKLE_CONSOLE_RESULTS") is { Length: > 0 } r ? r
            : Path.Combine(AppContext.BaseDirectory, "results");
        Directory.CreateDirectory(Results);
    }

    public Uri GraphQL { get; }
    public Uri Console { get; }
    public IReadOnlyList<DemoTenant> Tenants { get; }
    /// <summary>Screenshots and what the SIP clients recorded.</summary>
    public string Results { get; }

    public DemoUser User(int tenant, string number) => Tenants[tenant].Users.Single(u => u.Number == number);

    public SparkleClient Api(int tenant, string number) => new(GraphQL, User(tenant, number).Token);
}

public sealed record DemoTenant(string Name, string SipDomain, IReadOnlyList<DemoUser> Users);

public sealed record DemoUser(string Number, string Password, string Token);
