using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;

namespace Sparkle.Grains.Tests.Postgres;

/// <summary>The silo's first start seeds demo and demo2 and writes the demo file; the next start keeps
/// everything as it was.</summary>
public sealed class DemoSeedTests
{
    [Fact]
    public async Task FirstStartSeedsTheDemoTenantsAndTheSecondKeepsThem()
    {
        var serviceId = $"demo-{Guid.NewGuid():N}";
        var folder = System.IO.Directory.CreateTempSubdirectory("sparkle-demo-");
        var file = Path.Combine(folder.FullName, "state", "demo.json");
        try
        {
            string firstText;
            await using (var first = await PostgresSilo.StartAsync($"c-{serviceId}", serviceId, file))
            {
                firstText = await File.ReadAllTextAsync(file);
                using var doc = JsonDocument.Parse(firstText);
                var root = doc.RootElement;
                Assert.Equal("http://127.0.0.1:8080/graphql", root.GetProperty("graphql").GetString());
                Assert.Equal("127.0.0.1:5061", root.GetProperty("sip").GetProperty("tls").GetString());
                var tenants = root.GetProperty("tenants").EnumerateArray().ToList();
                Assert.Equal(["demo", "demo2"], tenants.Select(t => t.GetProperty("name").GetString()));
                Assert.Equal(["demo.sparkle.test", "demo2.sparkle.test"], tenants.Select(t => t.GetProperty("sipDomain").GetString()));

                foreach (var tenant in tenants)
                {
                    var id = Guid.Parse(tenant.GetProperty("id").GetString()!);
                    var domain = tenant.GetProperty("sipDomain").GetString()!;
                    var users = tenant.GetProperty("users").EnumerateArray().ToList();
                    Assert.Equal(Enumerable.Range(1001, 10).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                        users.Select(u => u.GetProperty("number").GetString()));
                    Assert.Equal(["owner", "manager", "chair", "member"], users.Take(4).Select(u => u.GetProperty("role").GetString()));
                    foreach (var user in users)
                    {
                        var number = user.GetProperty("number").GetString()!;
                        var password = user.GetProperty("password").GetString()!;
                        Assert.True(password.Length >= 16);
                        Assert.False(string.IsNullOrWhiteSpace(user.GetProperty("name").GetString()));
                        var stored = await first.Grains.GetGrain<IUserGrain>(UserKey.For(id, number)).GetDigestCredentialsAsync(Caller.System(id));
                        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{number}:{domain}:{password}"))), stored!.Ha1Md5);
                        Assert.Equal(user.GetProperty("role").GetString(), (await first.Grains.GetGrain<ITenantGrain>(id).GetRoleAsync(number))!.Value.ToWire());
                    }
                }

                Assert.Equal(Guid.Parse(tenants[0].GetProperty("id").GetString()!),
                    await first.Grains.GetGrain<ITenantRegistryGrain>(0).FindByDomainAsync("demo.sparkle.test"));
            }

            await using (var second = await PostgresSilo.StartAsync($"c-{serviceId}", serviceId, file))
            {
                Assert.Equal(firstText, await File.ReadAllTextAsync(file));
                using var doc = JsonDocument.Parse(firstText);
                var demoId = Guid.Parse(doc.RootElement.GetProperty("tenants")[0].GetProperty("id").GetString()!);
                Assert.Equal(demoId, await second.Grains.GetGrain<ITenantRegistryGrain>(0).FindByNameAsync("demo"));
                Assert.Equal(10, (await second.Grains.GetGrain<ITenantGrain>(demoId).ListUsersAsync(Caller.User(demoId, "1001"))).Count);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
