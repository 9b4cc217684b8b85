using System.Net;
using Sparkle.Client;

namespace Sparkle.GraphQL.Tests;

/// <summary>The production identity configuration (Microsoft.Identity.Web for Entra ID) plugs into the same
/// pipeline: the host starts with it, and tokens of the local issuer are no longer accepted.</summary>
[Collection(ApiCollection.Name)]
public sealed class EntraModeTests(ApiFixture api)
{
    [Fact]
    public async Task EntraModeRejectsLocalTokensAndStillServesAnonymousIntrospection()
    {
        var (host, endpoint) = await api.Cluster.StartExtraApiAsync(new Dictionary<string, string?>
        {
            ["Identity:Mode"] = "Entra",
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:TenantId"] = "11111111-2222-3333-4444-555555555555",
            ["AzureAd:ClientId"] = "66666666-7777-8888-9999-000000000000",
            ["Seed:DemoFile"] = "",
            ["Webhooks:Enabled"] = "false",
        });
        try
        {
            using var client = new SparkleClient(endpoint, api.Demo.Demo.Owner.Token, api.Http);
            var withLocalToken = await client.ExecuteAsync("{ me { tenantId } }");
            var anonymous = await client.WithToken(null).ExecuteAsync("{ __typename }");

            Assert.Equal(HttpStatusCode.Unauthorized, withLocalToken.Status);
            Assert.Equal("UNAUTHENTICATED", withLocalToken.ErrorCode);
            Assert.Equal("Query", anonymous.Field("__typename").GetString());
        }
        finally
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }
}
