using System.Net;
using System.Net.Sockets;

namespace Sparkle.GraphQL.Tests;

internal static class TestEnvironment
{
    public const string PostgresVariable = "SPARKLE_TEST_PG";

    /// <summary>The PostgreSQL connection string, or a failure that says how to provide one.</summary>
    public static string RequirePostgres() =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } pg
            ? pg
            : throw new InvalidOperationException(
                $"{PostgresVariable} is not set: the GraphQL tests run against a real PostgreSQL with the Sparkle schema. " +
                "test.sh starts one; by hand: infra/scripts/postgres.sh start /tmp/pg 55432 and " +
                $"export {PostgresVariable}='Host=127.0.0.1;Port=55432;Username=sparkle;Database=sparkle'.");

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The repository root (where Sparkle.Cloud.sln is).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sparkle.Cloud.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Sparkle.Cloud.sln not found above " + AppContext.BaseDirectory);
    }
}
