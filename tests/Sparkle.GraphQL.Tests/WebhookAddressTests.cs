using System.Net;
using Sparkle.GraphQL.Webhooks;

namespace Sparkle.GraphQL.Tests;

/// <summary>Webhooks cannot be aimed into the platform's own network (the SSRF finding of the edge review):
/// refused at creation, refused again at connection time after DNS, no redirects, and a delivery log that
/// says what kind of failure happened without naming addresses or ports.</summary>
[Collection(ApiCollection.Name)]
public sealed class WebhookAddressTests(ApiFixture api)
{
    private static readonly WebhookAddressPolicy PublicOnly = new([]);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("10.1.2.3")]
    [InlineData("172.20.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")] // cloud metadata
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fd00:ec2::254")] // AWS metadata over IPv6
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    public void InsideAddressesAreRefused(string address) => Assert.False(PublicOnly.Allows(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void PublicAddressesAreAllowed(string address) => Assert.True(PublicOnly.Allows(IPAddress.Parse(address)));

    [Fact]
    public void AnOperatorMayAllowOneOnPremisesRangeAndOnlyThat()
    {
        var policy = new WebhookAddressPolicy(["10.5.0.0/16"]);
        Assert.True(policy.Allows(IPAddress.Parse("10.5.200.1")));
        Assert.False(policy.Allows(IPAddress.Parse("10.6.0.1")));
        Assert.False(policy.Allows(IPAddress.Parse("169.254.169.254")));
        Assert.Throws<InvalidOperationException>(() => new WebhookAddressPolicy(["not-a-network"]));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.1/hook")]
    [InlineData("http://127.0.0.2:9/hook")] // the fixture allows 127.0.0.1/32 only
    [InlineData("http://[::1]:8080/hook")]
    [InlineData("http://[::ffff:a9fe:a9fe]/hook")]
    public async Task CreatingAWebhookIntoThePlatformsNetworkIsRefused(string url)
    {
        var owner = api.Client(api.Demo.Demo.Owner);
        var response = await owner.ExecuteAsync("mutation($url: String!) { createWebhook(url: $url) { id } }", new { url });
        Assert.Equal("BAD_USER_INPUT", response.ErrorCode);
        Assert.Contains("public internet", response.Errors[0].Message);
    }

    [Fact]
    public async Task ANameThatResolvesInsideAtDeliveryIsNotConnectedTo()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // The name resolved to a public address when the webhook was created; now it answers 127.0.0.1.
        Task<IPAddress[]> Rebound(string host, CancellationToken _) => Task.FromResult(new[] { IPAddress.Loopback });
        var url = $"http://hooks.rebind.test:{receiver.BaseAddress.Port}/flaky";

        using (var guarded = new HttpClient(GuardedWebhookConnector.CreateHandler(PublicOnly, Rebound)))
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => guarded.PostAsync(url, new StringContent("{}")));
            Assert.IsType<WebhookAddressRefusedException>(refused.InnerException);
            Assert.Equal("address not allowed", WebhookSender.Describe(refused));
        }
        Assert.Empty(receiver.Received);

        // The same request through a policy that allows loopback arrives: the address check was the only obstacle.
        using var allowed = new HttpClient(GuardedWebhookConnector.CreateHandler(new WebhookAddressPolicy(["127.0.0.0/8"]), Rebound));
        Assert.Equal(HttpStatusCode.OK, (await allowed.PostAsync(url, new StringContent("{}"))).StatusCode);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task RedirectsAreNotFollowed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = new HttpClient(GuardedWebhookConnector.CreateHandler(new WebhookAddressPolicy(["127.0.0.1/32"])));
        var response = await client.PostAsync(new Uri(receiver.BaseAddress, "redirect"), new StringContent("{}"));
        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode); // 307: a POST would be re-sent if it were followed
        Assert.Equal(["redirect"], receiver.Received.Select(r => r.Path).ToArray());
    }

    [Fact]
    public async Task AFailedConnectionIsLoggedWithoutItsAddress()
    {
        using var client = new HttpClient(GuardedWebhookConnector.CreateHandler(new WebhookAddressPolicy(["127.0.0.1/32"])));
        // Port 9 (discard) is closed here: the connection is refused.
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://127.0.0.1:9/", new StringContent("{}")));
        var logged = WebhookSender.Describe(failure);
        Assert.Equal("connection failed", logged);
        Assert.DoesNotContain("127.0.0.1", logged);
    }
}
