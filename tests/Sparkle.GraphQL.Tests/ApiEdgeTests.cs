using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Sparkle.Client;

namespace Sparkle.GraphQL.Tests;

/// <summary>The API edge against abuse (findings of the edge review): documents bounded before parsing, bodies
/// bounded before reading, no anonymous introspection unless the schema is public, rate limits with 429.</summary>
[Collection(ApiCollection.Name)]
public sealed class ApiEdgeTests(ApiFixture api)
{
    [Fact]
    public async Task AnOversizedAnonymousQueryIsRefusedBeforeParsing()
    {
        // The finding: one field repeated 20,000 times, 220 KB, no token.
        var huge = "{ " + string.Concat(Enumerable.Repeat("__typename ", 20_000)) + "}";
        var body = await PostRawAsync(null, new { query = huge });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, body.Status); // over the anonymous body bound, never read

        var small = "{ " + string.Concat(Enumerable.Repeat("__typename ", 300)) + "}"; // 3.3 KB: under the body bound
        var response = await api.Client((string?)null).ExecuteAsync(small);
        Assert.Equal("BAD_REQUEST", response.ErrorCode);
        Assert.Contains("characters", response.Errors[0].Message);
        Assert.Null(response.Data);
    }

    [Fact]
    public async Task ASignedInCallerIsBoundedToo()
    {
        var owner = api.Client(api.Demo.Demo.Owner);
        var tooLong = await owner.ExecuteAsync("{ " + string.Concat(Enumerable.Repeat("__typename ", 20_000)) + "}");
        Assert.Equal("BAD_REQUEST", tooLong.ErrorCode);
        Assert.Contains("characters", tooLong.Errors[0].Message);

        var manyTokens = await owner.ExecuteAsync("{ " + string.Concat(Enumerable.Repeat("a ", 4100)) + "}"); // 8 KB, 4,102 tokens
        Assert.Equal("BAD_REQUEST", manyTokens.ErrorCode);
        Assert.Contains("tokens", manyTokens.Errors[0].Message);

        // Tokens inside strings and comments are not counted as fields, and a normal query passes.
        var normal = await owner.ExecuteAsync("# " + new string('x', 5000) + "\n{ me { userNumber } }");
        Assert.Equal("1001", normal.Field("me").GetProperty("userNumber").GetString());

        var bigVariables = await PostRawAsync(api.Demo.Demo.Owner.Token, new { query = "{ me { userNumber } }", variables = new { pad = new string('x', 2 * 1024 * 1024) } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bigVariables.Status);
    }

    [Fact]
    public async Task IntrospectionAndTheSchemaFileNeedATokenUnlessTheSchemaIsPublic()
    {
        var anonymous = await api.Client((string?)null).ExecuteAsync("{ __schema { queryType { name } } }");
        Assert.Equal("BAD_REQUEST", anonymous.ErrorCode);
        Assert.Contains("Introspection needs a token", anonymous.Errors[0].Message);
        Assert.Equal("Query", (await api.Client((string?)null).ExecuteAsync("{ __typename }")).Field("__typename").GetString());

        var owner = await api.Client(api.Demo.Demo.Owner).ExecuteAsync("{ __schema { queryType { name } } }");
        Assert.Equal("Query", owner.Field("__schema").GetProperty("queryType").GetProperty("name").GetString());

        var schemaUrl = new Uri(api.Endpoint, "/graphql/schema.graphql");
        using (var response = await api.Http.GetAsync(schemaUrl))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using var signed = new HttpRequestMessage(HttpMethod.Get, schemaUrl);
        signed.Headers.Authorization = new AuthenticationHeaderValue("Bearer", api.Demo.Demo.Owner.Token);
        using var withToken = await api.Http.SendAsync(signed);
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        Assert.Contains("type Query", await withToken.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EachCallerAndEachAnonymousAddressHasItsOwnBucket()
    {
        var (host, endpoint) = await api.Cluster.StartExtraApiAsync(new Dictionary<string, string?>
        {
            ["RateLimits:PerCallerPerSecond"] = "1",
            ["RateLimits:PerCallerBurst"] = "2",
            ["RateLimits:AnonymousPerSecond"] = "1",
            ["RateLimits:AnonymousBurst"] = "2",
            ["Seed:DemoFile"] = "",
            ["Webhooks:Enabled"] = "false",
        });
        try
        {
            var owner = new SparkleClient(endpoint, api.Demo.Demo.Owner.Token, api.Http);
            GraphQLResponse? limited = null;
            for (var i = 0; i < 20 && limited is null; i++)
            {
                var response = await owner.ExecuteAsync("{ me { userNumber } }");
                if (response.Status == HttpStatusCode.TooManyRequests)
                {
                    limited = response;
                }
            }
            Assert.NotNull(limited);
            Assert.Equal("RATE_LIMITED", limited.ErrorCode);

            // Another user of the same tenant is not held back by the owner's bucket.
            var chair = await new SparkleClient(endpoint, api.Demo.Demo.Chair.Token, api.Http).ExecuteAsync("{ me { userNumber } }");
            Assert.Equal("1003", chair.Field("me").GetProperty("userNumber").GetString());

            // Anonymous requests share their address's bucket, and the answer says when to come back.
            HttpResponseMessage? refused = null;
            for (var i = 0; i < 20 && refused is null; i++)
            {
                var response = await api.Http.PostAsync(endpoint, new StringContent("{\"query\":\"{ __typename }\"}", Encoding.UTF8, "application/json"));
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    refused = response;
                }
            }
            Assert.NotNull(refused);
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After is missing");
        }
        finally
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }

    private async Task<(HttpStatusCode Status, string Body)> PostRawAsync(string? token, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, api.Endpoint)
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await api.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
