using Microsoft.Extensions.DependencyInjection;
using Sparkle.GraphQL.Identity;

namespace Sparkle.GraphQL.Tests;

[Collection(ApiCollection.Name)]
public sealed class TenantAdministrationTests(ApiFixture api)
{
    [Fact]
    public async Task OperatorCreatesATenantWhoseOwnerCanThenWork()
    {
        var op = api.Client(api.Demo.OperatorToken);
        var unique = Guid.NewGuid().ToString("N")[..8];

        var created = (await op.ExecuteAsync(
            "mutation($n: String!, $d: String!) { createTenant(input: { name: $n, sipDomains: [$d], policies: { srtpRequired: true }, owner: { number: \"100\", displayName: \"First Owner\" } }) { id name sipDomains policies { srtpRequired } } }",
            new { n = "acme-" + unique, d = $"acme-{unique}.sparkle.test" })).Field("createTenant");
        var tenantId = created.GetProperty("id").GetGuid();
        Assert.True(created.GetProperty("policies").GetProperty("srtpRequired").GetBoolean());

        var listed = (await op.ExecuteAsync("{ tenants(first: 200) { nodes { id name } } }")).Field("tenants").GetProperty("nodes");
        Assert.Contains(listed.EnumerateArray(), t => t.GetProperty("id").GetGuid() == tenantId);
        Assert.Contains(listed.EnumerateArray(), t => t.GetProperty("id").GetGuid() == api.Demo.Demo.Id);

        var token = api.Cluster.Api!.Services.GetRequiredService<LocalTokenIssuer>().IssueForUser(tenantId, "100", TimeSpan.FromMinutes(10));
        var newOwner = api.Client(token);
        Assert.Equal(Sparkle.Client.Role.Owner, (await newOwner.GetMeAsync()).Role);
        var users = (await newOwner.ExecuteAsync("{ users { nodes { number role } } }")).Field("users").GetProperty("nodes");
        Assert.Equal("100", Assert.Single(users.EnumerateArray()).GetProperty("number").GetString());

        // The operator administers tenants but never reads their content.
        Assert.Equal("FORBIDDEN", (await op.ExecuteAsync("{ users { nodes { number } } }")).ErrorCode);
    }

    [Fact]
    public async Task TheOperatorDeletesATenantAndItsPeopleThenGetNotFound()
    {
        var op = api.Client(api.Demo.OperatorToken);
        var unique = Guid.NewGuid().ToString("N")[..8];
        var tenantId = (await op.ExecuteAsync(
            "mutation($n: String!, $d: String!) { createTenant(input: { name: $n, sipDomains: [$d], owner: { number: \"100\", displayName: \"Owner\" } }) { id } }",
            new { n = "gone-" + unique, d = $"gone-{unique}.sparkle.test" })).Field("createTenant").GetProperty("id").GetGuid();
        var owner = api.Client(api.Cluster.Api!.Services.GetRequiredService<LocalTokenIssuer>().IssueForUser(tenantId, "100", TimeSpan.FromMinutes(10)));
        Assert.Equal(Sparkle.Client.Role.Owner, (await owner.GetMeAsync()).Role);

        // Nobody but the operator deletes a tenant, not even its owner or another tenant's owner.
        Assert.NotNull((await owner.ExecuteAsync("mutation($t: ID!) { deleteTenant(tenantId: $t) }", new { t = tenantId })).ErrorCode);
        Assert.NotNull((await api.Client(api.Demo.Demo.Owner).ExecuteAsync("mutation($t: ID!) { deleteTenant(tenantId: $t) }", new { t = tenantId })).ErrorCode);

        Assert.True((await op.ExecuteAsync("mutation($t: ID!) { deleteTenant(tenantId: $t) }", new { t = tenantId })).Field("deleteTenant").GetBoolean());

        var listed = (await op.ExecuteAsync("{ tenants(first: 200) { nodes { id } } }")).Field("tenants").GetProperty("nodes");
        Assert.DoesNotContain(listed.EnumerateArray(), t => t.GetProperty("id").GetGuid() == tenantId);
        Assert.Equal("NOT_FOUND", (await owner.ExecuteAsync("{ users { nodes { number } } }")).ErrorCode);
        Assert.Equal("NOT_FOUND", (await op.ExecuteAsync("mutation($t: ID!) { deleteTenant(tenantId: $t) }", new { t = tenantId })).ErrorCode);
    }

    [Fact]
    public async Task OnlyTheOperatorListsTenants()
    {
        Assert.Equal("FORBIDDEN", (await api.Client(api.Demo.Demo.Owner).ExecuteAsync("{ tenants { nodes { id } } }")).ErrorCode);
    }
}
