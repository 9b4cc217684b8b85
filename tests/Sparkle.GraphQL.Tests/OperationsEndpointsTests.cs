using System.Net;
using System.Net.Http.Headers;

namespace Sparkle.GraphQL.Tests;

/// <summary>What operators get besides the API: Orleans' dashboard (operator only, by bearer header or the
/// sign-in cookie) and the Prometheus scrape endpoint, on the real API host and silo.</summary>
[Collection(ApiCollection.Name)]
public sealed class OperationsEndpointsTests(ApiFixture api)
{
    private Uri Root => new(api.Endpoint, "/");

    private async Task<HttpResponseMessage> GetAsync(string path, string? token = null, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Root, path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }
        return await api.Http.SendAsync(request);
    }

    [Fact]
    public async Task TheDashboardRefusesAnyoneButTheOperator()
    {
        using var anonymous = await GetAsync("/dashboard/index.html");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var anonymousData = await GetAsync("/dashboard/DashboardCounters");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousData.StatusCode);

        foreach (var token in new[] { api.Demo.Demo.Owner.Token, api.Demo.Demo.SyncToken, api.ParticipantToken })
        {
            using var tenantUser = await GetAsync("/dashboard/DashboardCounters", token);
            Assert.Equal(HttpStatusCode.Forbidden, tenantUser.StatusCode);
        }
    }

    [Fact]
    public async Task TheOperatorSeesTheClusterThroughTheDashboard()
    {
        using var page = await GetAsync("/dashboard/index.html", api.Demo.OperatorToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        // The counters come from the silo's collectors through the dashboard grain: the silo is listed.
        using var counters = await GetAsync("/dashboard/DashboardCounters", api.Demo.OperatorToken);
        Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
        var json = await counters.Content.ReadAsStringAsync();
        Assert.Contains("\"hosts\"", json, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"siloAddress\"", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task OnlyTheOperatorsTokenBecomesTheDashboardCookieAndOnlyForTheDashboard()
    {
        using var form = await GetAsync("/dashboard-signin");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);

        using var refused = await api.Http.PostAsync(new Uri(Root, "/dashboard-signin"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = api.Demo.Demo.Owner.Token }));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Set-Cookie"));

        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var http = new HttpClient(handler);
        using var signedIn = await http.PostAsync(new Uri(Root, "/dashboard-signin"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = api.Demo.OperatorToken }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/dashboard/", signedIn.Headers.Location?.OriginalString);
        var setCookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/dashboard", setCookie, StringComparison.OrdinalIgnoreCase);
        var cookie = setCookie.Split(';')[0];

        using var withCookie = await GetAsync("/dashboard/DashboardCounters", cookie: cookie);
        Assert.Equal(HttpStatusCode.OK, withCookie.StatusCode);

        // The cookie is no credential for the API: a browser's cross-site request could otherwise carry it.
        using var graphql = new HttpRequestMessage(HttpMethod.Post, api.Endpoint)
        {
            Content = new StringContent("{\"query\":\"{ mediaWorkers { id } }\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        graphql.Headers.Add("Cookie", cookie);
        using var apiAnswer = await api.Http.SendAsync(graphql);
        Assert.DoesNotContain("\"mediaWorkers\":[", await apiAnswer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetricsCarryGraphQLRequestLatencyAndGrainCallLatency()
    {
        (await api.Client(api.Demo.Demo.Owner).ExecuteAsync("{ me { role } }")).EnsureSuccess();

        // The exporter caches a scrape briefly; the request above is in the next one at the latest.
        string text = "";
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            using var metrics = await GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            text = await metrics.Content.ReadAsStringAsync();
            if (text.Contains("http_route=\"/graphql\"", StringComparison.Ordinal))
            {
                break;
            }
            await Task.Delay(200);
        }
        Assert.Contains("http_server_request_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Matches("http_server_request_duration_seconds_count\\{[^}]*http_route=\"/graphql\"[^}]*\\} [1-9]", text);
        Assert.Contains("orleans_app_requests_latency", text, StringComparison.Ordinal);
    }
}
