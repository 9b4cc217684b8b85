using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sparkle.GraphQL.Identity;

namespace Sparkle.GraphQL.Tests;

[Collection(ApiCollection.Name)]
public sealed class IdentityTests(ApiFixture api)
{
    [Theory]
    [InlineData("demo", "1001", "owner")]
    [InlineData("demo", "1002", "manager")]
    [InlineData("demo", "1003", "chair")]
    [InlineData("demo", "1004", "member")]
    [InlineData("demo2", "1001", "owner")]
    [InlineData("demo2", "1010", "member")]
    public async Task MeAnswersTenantNumberAndRoleForDemoTokens(string tenantName, string number, string role)
    {
        var tenant = tenantName == "demo" ? api.Demo.Demo : api.Demo.Demo2;
        var response = await api.Client(tenant.Users[number]).ExecuteAsync("{ me { tenantId userNumber role kind } }");

        var me = response.EnsureSuccess().Data!.Value.GetProperty("me");
        Assert.Equal(tenant.Id, me.GetProperty("tenantId").GetGuid());
        Assert.Equal(number, me.GetProperty("userNumber").GetString());
        Assert.Equal(role, me.GetProperty("role").GetString());
        Assert.Equal("user", me.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task MeWithoutTokenIsUnauthenticated()
    {
        var response = await api.Client((string?)null).ExecuteAsync("{ me { tenantId } }");

        Assert.Equal("UNAUTHENTICATED", response.ErrorCode);
    }

    [Fact]
    public async Task TokenFromAnotherKeyIsRejectedWith401()
    {
        var folder = Path.Combine(api.Cluster.WorkFolder, "foreign-keys");
        using var keys = new SigningKeyStore(folder);
        var issuer = new LocalTokenIssuer(keys, Options.Create(new SparkleIdentityOptions { KeyFolder = folder }));
        var forged = issuer.IssueForUser(api.Demo.Demo.Id, "1001", TimeSpan.FromHours(1));

        var response = await api.Client(forged).ExecuteAsync("{ me { tenantId } }");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("UNAUTHENTICATED", response.ErrorCode);
    }

    [Fact]
    public async Task SyncAndOperatorTokensMapToTheirCallerKinds()
    {
        var sync = (await api.Client(api.Demo.Demo.SyncToken).ExecuteAsync("{ me { tenantId userNumber role kind } }")).EnsureSuccess();
        var op = (await api.Client(api.Demo.OperatorToken).ExecuteAsync("{ me { tenantId userNumber role kind } }")).EnsureSuccess();

        Assert.Equal("directory_sync", sync.Data!.Value.GetProperty("me").GetProperty("kind").GetString());
        Assert.Equal(api.Demo.Demo.Id, sync.Data!.Value.GetProperty("me").GetProperty("tenantId").GetGuid());
        Assert.Equal("platform_operator", op.Data!.Value.GetProperty("me").GetProperty("kind").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, op.Data!.Value.GetProperty("me").GetProperty("role").ValueKind);
    }

    [Fact]
    public async Task SyncTokenMayNotReadPlansOrUsers()
    {
        var client = api.Client(api.Demo.Demo.SyncToken);

        Assert.Equal("FORBIDDEN", (await client.ExecuteAsync("{ meetingPlans { nodes { id } } }")).ErrorCode);
        Assert.Equal("FORBIDDEN", (await client.ExecuteAsync("{ users { nodes { number } } }")).ErrorCode);
    }

    [Fact]
    public async Task RoleChangeIsSeenByTheNextRequest()
    {
        var tenant = api.Demo.Demo;
        var owner = api.Client(tenant.Owner);
        var target = api.Client(tenant.Users["1010"]);
        try
        {
            (await owner.ExecuteAsync("mutation { setUserRole(number: \"1010\", role: manager) { role } }")).EnsureSuccess();
            Assert.Equal(Sparkle.Client.Role.Manager, (await target.GetMeAsync()).Role);
        }
        finally
        {
            (await owner.ExecuteAsync("mutation { setUserRole(number: \"1010\", role: member) { role } }")).EnsureSuccess();
        }
        Assert.Equal(Sparkle.Client.Role.Member, (await target.GetMeAsync()).Role);
    }

    [Fact]
    public async Task SeedFileKeepsItsContentAndTokensAreNotReissued()
    {
        var before = JsonNode.Parse(await File.ReadAllTextAsync(api.Cluster.DemoFile))!;
        var writer = api.Cluster.Api!.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<DemoTokenWriter>().Single();

        var added = await writer.AddTokensAsync(api.Cluster.DemoFile);

        var after = JsonNode.Parse(await File.ReadAllTextAsync(api.Cluster.DemoFile))!;
        Assert.Equal(0, added);
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
        Assert.False(string.IsNullOrEmpty(after["tenants"]![0]!["users"]![0]!["password"]?.GetValue<string>()));
    }
}
