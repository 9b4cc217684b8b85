using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sparkle.Recordings.Tests.Blobs;

/// <summary>A private Azurite started and stopped through infra/scripts/azurite.sh, on a free port with its
/// data in a temp folder (kept across stop/start, like a real store coming back).</summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    private readonly string _script;

    private AzuriteServer(string script, string dataDir, int port)
    {
        _script = script;
        DataDir = dataDir;
        Port = port;
    }

    public string DataDir { get; }
    public int Port { get; }

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public static async Task<AzuriteServer> StartNewAsync()
    {
        string script = Path.Combine(RepositoryRoot(), "infra", "scripts", "azurite.sh");
        string dataDir = Path.Combine(Path.GetTempPath(), $"sparkle-azurite-{Guid.NewGuid():N}");
        var server = new AzuriteServer(script, dataDir, FreePort());
        await server.StartAsync();
        return server;
    }

    public Task StartAsync() => RunScriptAsync("start", DataDir, Port.ToString());

    public Task StopAsync() => RunScriptAsync("stop", DataDir);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task RunScriptAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(_script);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"azurite.sh {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await errors}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sparkle.Cloud.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root (Sparkle.Cloud.sln) not found above " + AppContext.BaseDirectory);
    }
}
