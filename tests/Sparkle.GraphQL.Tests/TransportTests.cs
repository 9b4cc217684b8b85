using System.Net;
using System.Text;

namespace Sparkle.GraphQL.Tests;

[Collection(ApiCollection.Name)]
public sealed class TransportTests(ApiFixture api)
{
    [Fact]
    public async Task HealthReportsTheClusterConnected()
    {
        var response = await api.Http.GetAsync(new Uri(api.Endpoint, "/health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("connected", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetRunsQueriesButNotMutations()
    {
        var query = Uri.EscapeDataString("{ me { userNumber } }");
        var mutation = Uri.EscapeDataString("mutation { createMeeting(input: { title: \"via GET\" }) { id } }");

        var read = await SendAsync(HttpMethod.Get, $"?query={query}");
        var write = await SendAsync(HttpMethod.Get, $"?query={mutation}");

        Assert.Contains("\"userNumber\":\"1001\"", read);
        Assert.Contains("Only queries may be sent with GET", write);
        Assert.DoesNotContain("\"createMeeting\":{", write);
    }

    [Fact]
    public async Task SubscriptionOverPostIsRefused()
    {
        var response = await api.Client(api.Demo.Demo.Owner).ExecuteAsync("subscription { meetingEvents(meetingId: \"00000000-0000-0000-0000-000000000001\") { kind } }");

        Assert.Contains(response.Errors, e => e.Message.Contains("WebSocket", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TooDeepQueryIsRejectedBeforeExecution()
    {
        var deep = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } } } } } }";

        var response = await api.Client(api.Demo.Demo.Owner).ExecuteAsync(deep);

        Assert.True(response.HasErrors);
        Assert.Null(response.Data);
    }

    [Fact]
    public async Task TooComplexQueryIsRejectedBeforeExecution()
    {
        var fields = string.Join(" ", Enumerable.Range(0, 3000).Select(i => $"a{i}: me {{ tenantId userNumber }}"));

        var response = await api.Client(api.Demo.Demo.Owner).ExecuteAsync("{ " + fields + " }");

        Assert.True(response.HasErrors);
        Assert.Null(response.Data);
    }

    [Fact]
    public async Task MalformedBodyIs400WithAReadableError()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, api.Endpoint) { Content = new StringContent("{ not json", Encoding.UTF8, "application/json") };

        using var response = await api.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("BAD_REQUEST", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ErrorsCarryTypedCodes()
    {
        var member = api.Client(api.Demo.Demo.Member);

        var forbidden = await member.ExecuteAsync("mutation { addUser(input: { number: \"1999\", displayName: \"X\" }) { number } }");
        var notFound = await member.ExecuteAsync("mutation($id: ID!) { deleteMeetingPlan(id: $id) }", new { id = Guid.NewGuid() });
        var badInput = await member.ExecuteAsync("{ directory(limit: 100000) { externalId } }");

        Assert.Equal("FORBIDDEN", forbidden.ErrorCode);
        Assert.Contains(notFound.ErrorCode, new[] { "NOT_FOUND", "FORBIDDEN" });
        Assert.Equal("BAD_USER_INPUT", badInput.ErrorCode);
    }

    [Fact]
    public async Task LayoutsAreListed()
    {
        var layouts = (await api.Client(api.Demo.Demo.Member).ExecuteAsync("{ layouts { id name slots } }")).Field("layouts");

        Assert.Contains(layouts.EnumerateArray(), l => l.GetProperty("id").GetString() == "auto");
        // Exactly what the compositor draws: its 26 layouts with their slot counts, plus the automatic groups.
        foreach (var layout in Sparkle.Video.Layouts.LayoutCatalogue.All)
        {
            Assert.Contains(layouts.EnumerateArray(), l => l.GetProperty("id").GetString() == layout.Id && l.GetProperty("slots").GetInt32() == layout.Capacity);
        }
        Assert.Equal(Sparkle.Video.Layouts.LayoutCatalogue.All.Count + Sparkle.Video.Layouts.LayoutGroups.All.Count + 1, layouts.GetArrayLength());

        // The issue's own query: each layout's tiles, as the compositor places them.
        var tiled = (await api.Client(api.Demo.Demo.Member).ExecuteAsync("{ layouts { id name tiles { slot x y width height z floor } } }")).Field("layouts");
        var grid = tiled.EnumerateArray().Single(l => l.GetProperty("id").GetString() == "grid-2x2");
        var tiles = grid.GetProperty("tiles").EnumerateArray().ToList();
        Assert.Equal(4, tiles.Count);
        Assert.All(tiles, t => Assert.Equal(0.5, t.GetProperty("width").GetDouble(), 3));
        Assert.Equal([0, 1, 2, 3], tiles.Select(t => t.GetProperty("slot").GetInt32()));
        Assert.Empty(tiled.EnumerateArray().Single(l => l.GetProperty("id").GetString() == "auto").GetProperty("tiles").EnumerateArray());
    }

    private async Task<string> SendAsync(HttpMethod method, string query)
    {
        using var request = new HttpRequestMessage(method, new Uri(api.Endpoint + query));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.Demo.Demo.Owner.Token);
        using var response = await api.Http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }
}
