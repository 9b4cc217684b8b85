using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;

namespace Sparkle.Silo;

/// <summary>On first start (no tenant "demo" yet) creates the tenants demo and demo2, each with users
/// 1001-1010 (1001 owner, 1002 manager, 1003 chair, the rest members) and random passwords (each user's SIP
/// password is also their web-console password), and writes them to the demo file. Later starts change nothing.</summary>
public sealed class DemoSeeder(IGrainFactory grains, DemoSeedOptions options, ILogger<DemoSeeder> logger) : IHostedService
{
    private static readonly (string Name, string Domain)[] s_tenants = [("demo", "demo.sparkle.test"), ("demo2", "demo2.sparkle.test")];

    private static readonly string[] s_names =
    [
        "Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov",
        "Donald Knuth", "Margaret Hamilton", "Ken Thompson", "Frances Allen", "John McCarthy",
    ];

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var registry = grains.GetGrain<ITenantRegistryGrain>(0);
        if (await registry.FindByNameAsync(s_tenants[0].Name) is not null)
        {
            logger.LogInformation("Demo tenants exist already: nothing seeded");
            await BackfillConsolePasswordsAsync(cancellationToken);
            return;
        }

        var seeded = new List<DemoTenant>();
        foreach (var (name, domain) in s_tenants)
        {
            seeded.Add(await SeedTenantAsync(name, domain));
        }

        if (!string.IsNullOrWhiteSpace(options.DemoFile))
        {
            await WriteDemoFileAsync(options.DemoFile, seeded, cancellationToken);
            logger.LogInformation("Demo tenants seeded; credentials in {DemoFile}", options.DemoFile);
        }
        else
        {
            logger.LogInformation("Demo tenants seeded (no Seed:DemoFile configured)");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Demo data seeded before web-console passwords existed: give each user of the demo file the
    /// console password equal to their SIP password, once (the file is marked afterwards).</summary>
    private async Task BackfillConsolePasswordsAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.DemoFile) || !File.Exists(options.DemoFile))
        {
            return;
        }

        var path = Path.GetFullPath(options.DemoFile);
        var root = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken))?.AsObject();
        if (root is null || root[ConsolePasswordsMarker] is not null)
        {
            return;
        }

        var set = 0;
        foreach (var tenant in root["tenants"]?.AsArray().OfType<System.Text.Json.Nodes.JsonObject>() ?? [])
        {
            if (!Guid.TryParse(tenant["id"]?.GetValue<string>(), out var tenantId))
            {
                continue;
            }

            foreach (var user in tenant["users"]?.AsArray().OfType<System.Text.Json.Nodes.JsonObject>() ?? [])
            {
                if (user["number"]?.GetValue<string>() is not { } number || user["password"]?.GetValue<string>() is not { } password)
                {
                    continue;
                }

                try
                {
                    var grain = grains.GetGrain<IUserGrain>(UserKey.For(tenantId, number));
                    if (await grain.VerifyConsolePasswordAsync(Caller.System(tenantId), password) is null)
                    {
                        await grains.GetGrain<ITenantGrain>(tenantId).SetUserPasswordAsync(Caller.System(tenantId), number, password);
                        set++;
                    }
                }
                catch (Exception ex) when (ex is NotFoundException or ValidationException or AccessDeniedException)
                {
                    logger.LogDebug(ex, "No console password for demo user {Number}", number);
                }
            }
        }

        root[ConsolePasswordsMarker] = true;
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, root.ToJsonString(s_json), cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
        logger.LogInformation("Gave {Count} demo users their SIP password as web-console password", set);
    }

    private async Task<DemoTenant> SeedTenantAsync(string name, string domain)
    {
        var tenantId = Guid.NewGuid();
        var system = Caller.System(tenantId);
        var tenant = grains.GetGrain<ITenantGrain>(tenantId);
        await tenant.CreateAsync(Caller.Operator, name, [domain], new TenantPolicies());

        var users = new List<DemoUser>();
        for (var i = 0; i < 10; i++)
        {
            var number = (1001 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var role = i switch { 0 => Role.Owner, 1 => Role.Manager, 2 => Role.Chair, _ => Role.Member };
            var password = NewPassword();
            await tenant.AddUserAsync(system, new UserSpec(number, s_names[i], role, Email: $"{number}@{domain}", SipPassword: password, ConsolePassword: password));
            users.Add(new DemoUser(number, s_names[i], role.ToWire(), password));
        }

        return new DemoTenant(tenantId.ToString(), name, domain, users);
    }

    private async Task WriteDemoFileAsync(string path, IReadOnlyList<DemoTenant> tenants, CancellationToken cancellationToken)
    {
        var document = new DemoDocument(
            options.GraphQL,
            new DemoSip(options.SipUdp, options.SipTcp ?? options.SipUdp, options.SipTls),
            tenants);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(document, s_json), cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            // It holds passwords: owner only.
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>16 characters from 59 letters and digits (~94 bits).</summary>
    private static string NewPassword() =>
        RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789", 16);

    /// <summary>Set in the demo file once every user's console password is their SIP password.</summary>
    private const string ConsolePasswordsMarker = "consolePasswordsSeeded";

    private sealed record DemoDocument(string Graphql, DemoSip Sip, IReadOnlyList<DemoTenant> Tenants, bool ConsolePasswordsSeeded = true);

    private sealed record DemoSip(string Udp, string Tcp, string Tls);

    private sealed record DemoTenant(string Id, string Name, string SipDomain, IReadOnlyList<DemoUser> Users);

    private sealed record DemoUser(string Number, string Name, string Role, string Password);
}
