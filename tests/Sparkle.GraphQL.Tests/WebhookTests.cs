using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Sparkle.GraphQL.Tests;

[Collection(ApiCollection.Name)]
public sealed class WebhookTests(ApiFixture api)
{
    [Fact]
    public async Task MeetingNotificationsAreSignedAndRetriedUntilDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailFirst = 2;
        var owner = api.Client(api.Demo.Demo2.Owner);
        var webhook = (await owner.ExecuteAsync(
            "mutation($url: String!) { createWebhook(url: $url, events: [\"meeting.scheduled\", \"meeting.started\"]) { id secret events } }",
            new { url = new Uri(receiver.BaseAddress, "flaky").ToString() })).Field("createWebhook");
        var secret = webhook.GetProperty("secret").GetString()!;
        var webhookId = webhook.GetProperty("id").GetGuid();

        var meeting = await owner.CreateMeetingAsync("Hooked", []);
        (await owner.ExecuteAsync("mutation($id: ID!) { startMeeting(meetingId: $id) { id } }", new { id = meeting.Id })).EnsureSuccess();

        await WaitUntilAsync(() => receiver.Received.Count(r => r.AnsweredWith == 200) >= 2,
            () => "two delivered notifications; received: " + string.Join(", ", receiver.Received.Select(r => $"{r.EventType}={r.AnsweredWith}")));
        var received = receiver.Received.ToList();
        Assert.All(received, r => Assert.True(SignatureIsValid(secret, r.Signature, r.Body), $"bad signature {r.Signature}"));
        var delivered = received.Where(r => r.AnsweredWith == 200).ToList();
        Assert.Equal(["meeting.scheduled", "meeting.started"], delivered.Select(r => r.EventType).Order().ToArray());
        foreach (var r in delivered)
        {
            using var body = JsonDocument.Parse(r.Body);
            Assert.Equal(r.EventType, body.RootElement.GetProperty("type").GetString());
            Assert.Equal(api.Demo.Demo2.Id, body.RootElement.GetProperty("tenantId").GetGuid());
            Assert.Equal(meeting.Id, body.RootElement.GetProperty("data").GetProperty("meetingId").GetGuid());
        }
        Assert.Equal(2, received.Count(r => r.AnsweredWith == 500));
        // A retried delivery carries the same delivery id as its failed attempt.
        Assert.All(received.Where(r => r.AnsweredWith == 500), f => Assert.Contains(delivered, d => d.DeliveryId == f.DeliveryId));

        var log = (await owner.ExecuteAsync("query($id: ID!) { webhookDeliveries(webhookId: $id, first: 200) { nodes { eventType state attempts lastStatusCode } } }",
            new { id = webhookId })).Field("webhookDeliveries").GetProperty("nodes");
        Assert.Equal(2, log.GetArrayLength());
        Assert.All(log.EnumerateArray(), d =>
        {
            Assert.Equal("succeeded", d.GetProperty("state").GetString());
            Assert.Equal(200, d.GetProperty("lastStatusCode").GetInt32());
        });
        Assert.Equal(4, log.EnumerateArray().Sum(d => d.GetProperty("attempts").GetInt32()));
    }

    [Fact]
    public async Task DeliveryGivesUpAfterTheLastAttemptAndSaysWhy()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var owner = api.Client(api.Demo.Demo.Owner);
        var webhookId = (await owner.ExecuteAsync(
            "mutation($url: String!) { createWebhook(url: $url, events: [\"meeting.scheduled\"]) { id } }",
            new { url = new Uri(receiver.BaseAddress, "down").ToString() })).Field("createWebhook").GetProperty("id").GetGuid();
        try
        {
            await owner.CreateMeetingAsync("Nobody listens", []);

            JsonElement delivery = default;
            await WaitUntilAsync(async () =>
            {
                var log = (await owner.ExecuteAsync("query($id: ID!) { webhookDeliveries(webhookId: $id, first: 200) { nodes { state attempts lastStatusCode lastError } } }",
                    new { id = webhookId })).Field("webhookDeliveries").GetProperty("nodes");
                delivery = log.EnumerateArray().FirstOrDefault();
                return delivery.ValueKind == JsonValueKind.Object && delivery.GetProperty("state").GetString() == "failed";
            }, "the delivery to be marked failed");

            Assert.Equal(4, delivery.GetProperty("attempts").GetInt32()); // Webhooks:MaxAttempts of the fixture
            Assert.Equal(500, delivery.GetProperty("lastStatusCode").GetInt32());
            Assert.Contains("500", delivery.GetProperty("lastError").GetString());
            Assert.Equal(4, receiver.Received.Count);
        }
        finally
        {
            (await owner.ExecuteAsync("mutation($id: ID!) { deleteWebhook(id: $id) }", new { id = webhookId })).EnsureSuccess();
        }
    }

    [Fact]
    public async Task OnlyOwnersManageWebhooksAndInputIsChecked()
    {
        var member = api.Client(api.Demo.Demo.Manager);
        var owner = api.Client(api.Demo.Demo.Owner);

        Assert.Equal("FORBIDDEN", (await member.ExecuteAsync("mutation { createWebhook(url: \"https://example.test/h\") { id } }")).ErrorCode);
        Assert.Equal("FORBIDDEN", (await api.Client(api.Demo.Demo.SyncToken).ExecuteAsync("{ webhooks { id } }")).ErrorCode);
        Assert.Equal("BAD_USER_INPUT", (await owner.ExecuteAsync("mutation { createWebhook(url: \"ftp://x\") { id } }")).ErrorCode);
        Assert.Equal("BAD_USER_INPUT", (await owner.ExecuteAsync("mutation { createWebhook(url: \"https://example.test/h\", events: [\"nope\"]) { id } }")).ErrorCode);
        Assert.Equal("NOT_FOUND", (await owner.ExecuteAsync("mutation($id: ID!) { deleteWebhook(id: $id) }", new { id = Guid.NewGuid() })).ErrorCode);
    }

    /// <summary>The receiver's side of the contract, written independently of the host's signer.</summary>
    private static bool SignatureIsValid(string secret, string header, string body)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(parts["t"] + "." + body));
        var age = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(parts["t"], CultureInfo.InvariantCulture);
        return Convert.ToHexStringLower(mac) == parts["v1"] && age is >= 0 and < 300;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for " + what());
            await Task.Delay(100);
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for " + what);
            await Task.Delay(100);
        }
    }
}
