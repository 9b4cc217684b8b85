using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Sparkle.GraphQL.Identity;

/// <summary>Gives every user of the seed file (Seed:DemoFile, written by the silo's seeding) a long-lived
/// API token, each tenant a directory-sync token and the file an operator token, so people and scripts
/// can call the API at once. Waits up to a minute for the file, then keeps an eye on it in case the silo
/// rewrites it.</summary>
internal sealed class DemoTokenWriter(
    IConfiguration configuration,
    LocalTokenIssuer issuer,
    IOptions<SparkleIdentityOptions> options,
    ILogger<DemoTokenWriter> logger) : BackgroundService
{
    private static readonly TimeSpan s_waitForFile = TimeSpan.FromSeconds(60);
    private static readonly JsonSerializerOptions s_writeOptions = new() { WriteIndented = true };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var configured = configuration["Seed:DemoFile"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return;
        }
        var path = Path.GetFullPath(configured);
        var waitUntil = DateTime.UtcNow + s_waitForFile;
        DateTime? lastSeen = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (File.Exists(path))
            {
                if (File.GetLastWriteTimeUtc(path) != lastSeen)
                {
                    lastSeen = await TryAddTokensAsync(path) ?? lastSeen;
                }
            }
            else if (lastSeen is null && DateTime.UtcNow > waitUntil)
            {
                logger.LogWarning("Seed file {Path} did not appear within {Seconds} s; no demo tokens written", path, s_waitForFile.TotalSeconds);
                return;
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Returns the file's write time after processing, or null when it could not be read.</summary>
    private async Task<DateTime?> TryAddTokensAsync(string path)
    {
        try
        {
            var added = await AddTokensAsync(path);
            if (added > 0)
            {
                logger.LogInformation("Wrote {Count} demo tokens into {Path}", added, path);
            }
            return File.GetLastWriteTimeUtc(path);
        }
        catch (Exception ex) when (ex is JsonException or IOException or InvalidOperationException or FormatException)
        {
            // The silo may be writing it right now; try again on the next tick.
            logger.LogDebug(ex, "Seed file {Path} not readable yet", path);
            return null;
        }
    }

    /// <summary>Adds the missing (or no longer valid) tokens; rewrites the file atomically. Returns how many.</summary>
    internal async Task<int> AddTokensAsync(string path)
    {
        var root = JsonNode.Parse(await File.ReadAllTextAsync(path))?.AsObject()
            ?? throw new InvalidOperationException("The seed file is not a JSON object.");
        var lifetime = TimeSpan.FromDays(options.Value.DemoTokenLifetimeDays);
        var added = 0;
        if (!await HasValidTokenAsync(root, "operatorToken"))
        {
            root["operatorToken"] = issuer.IssueForOperator("demo", lifetime);
            added++;
        }
        foreach (var tenant in root["tenants"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            if (!Guid.TryParse(tenant["id"]?.GetValue<string>(), out var tenantId))
            {
                continue;
            }
            if (!await HasValidTokenAsync(tenant, "syncToken"))
            {
                tenant["syncToken"] = issuer.IssueForDirectorySync(tenantId, lifetime);
                added++;
            }
            foreach (var user in tenant["users"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                var number = user["number"]?.GetValue<string>();
                if (string.IsNullOrWhiteSpace(number) || await HasValidTokenAsync(user, "token"))
                {
                    continue;
                }
                user["token"] = issuer.IssueForUser(tenantId, number, lifetime);
                added++;
            }
        }
        if (added > 0)
        {
            var temp = path + ".tokens.tmp";
            await File.WriteAllTextAsync(temp, root.ToJsonString(s_writeOptions));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            File.Move(temp, path, overwrite: true);
        }
        return added;
    }

    private async Task<bool> HasValidTokenAsync(JsonObject owner, string property) =>
        owner[property] is JsonValue value && value.TryGetValue<string>(out var token) && await issuer.IsValidAsync(token);
}
