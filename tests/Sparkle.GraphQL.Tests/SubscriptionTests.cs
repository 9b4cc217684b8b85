using System.Net.WebSockets;
using Sparkle.Client;

namespace Sparkle.GraphQL.Tests;

/// <summary>meetingEvents over graphql-transport-ws against the real host and meeting grain.</summary>
[Collection(ApiCollection.Name)]
public sealed class SubscriptionTests(ApiFixture api)
{
    [Fact]
    public async Task SubscriptionReceivesTheMeetingsEvents()
    {
        var owner = api.Client(api.Demo.Demo.Owner);
        var meeting = await owner.CreateMeetingAsync("Watched", []);
        await using var ws = await SparkleSubscriptionClient.ConnectAsync(api.Endpoint, api.Demo.Demo.Chair.Token);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // afterVersion replays what happens between the subscribe message and the grain subscription.
        var stream = await ws.SubscribeAsync(
            "subscription($id: ID!, $v: Long) { meetingEvents(meetingId: $id, afterVersion: $v) { meetingId version kind detail participant { id userNumber state } } }",
            new { id = meeting.Id, v = meeting.Version }, timeout.Token);
        (await owner.ExecuteAsync("mutation($id: ID!) { startMeeting(meetingId: $id) { id } }", new { id = meeting.Id })).EnsureSuccess();
        await owner.SetLockedAsync(meeting.Id, true);
        (await owner.ExecuteAsync("mutation($id: ID!) { inviteParticipant(meetingId: $id, participant: { number: \"1006\", displayName: \"Frank\" }) { id } }",
            new { id = meeting.Id })).EnsureSuccess();

        var kinds = new List<string>();
        string? invitedNumber = null;
        var versions = new List<long>();
        await foreach (var response in stream.WithCancellation(timeout.Token))
        {
            var e = response.Field("meetingEvents");
            Assert.Equal(meeting.Id, e.GetProperty("meetingId").GetGuid());
            kinds.Add(e.GetProperty("kind").GetString()!);
            versions.Add(e.GetProperty("version").GetInt64());
            // The invited participant shows up (added, or changed as the dial-out progresses).
            if (e.GetProperty("participant") is { ValueKind: System.Text.Json.JsonValueKind.Object } participant)
            {
                invitedNumber = participant.GetProperty("userNumber").GetString();
                break;
            }
        }

        Assert.Contains("meeting_started", kinds);
        Assert.Contains("meeting_changed", kinds);
        Assert.Equal("1006", invitedNumber);
        Assert.Equal(versions.Order(), versions);
        Assert.True(versions[0] > meeting.Version);
    }

    [Fact]
    public async Task QueriesAlsoRunOverTheWebSocket()
    {
        await using var ws = await SparkleSubscriptionClient.ConnectAsync(api.Endpoint, api.Demo.Demo.Member.Token);

        var stream = await ws.SubscribeAsync("{ me { userNumber role } }");
        var responses = new List<GraphQLResponse>();
        await foreach (var response in stream.WithCancellation(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token))
        {
            responses.Add(response);
        }

        var me = Assert.Single(responses).Field("me");
        Assert.Equal("1004", me.GetProperty("userNumber").GetString());
        Assert.Equal("member", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task InvalidTokenInConnectionInitClosesWith4403()
    {
        var ex = await Assert.ThrowsAsync<SparkleApiException>(() => SparkleSubscriptionClient.ConnectAsync(api.Endpoint, "not-a-jwt"));

        Assert.Contains("Forbidden", ex.Message);
    }

    [Fact]
    public async Task SubscribeBeforeConnectionInitClosesWith4401()
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        var uri = new UriBuilder(api.Endpoint) { Scheme = "ws" }.Uri;
        await socket.ConnectAsync(uri, CancellationToken.None);

        await socket.SendAsync("{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":{\"query\":\"{ me { kind } }\"}}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var result = await socket.ReceiveAsync(new byte[1024], new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(4401, (int)socket.CloseStatus!.Value);
    }

    [Fact]
    public async Task SilentClientIsClosedWith4408()
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        await socket.ConnectAsync(new UriBuilder(api.Endpoint) { Scheme = "ws" }.Uri, CancellationToken.None);

        var result = await socket.ReceiveAsync(new byte[1024], new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(4408, (int)socket.CloseStatus!.Value);
    }

    [Fact]
    public async Task PingIsAnsweredWithPong()
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        await socket.ConnectAsync(new UriBuilder(api.Endpoint) { Scheme = "ws" }.Uri, CancellationToken.None);
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await socket.SendAsync("{\"type\":\"connection_init\"}"u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
        var ack = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Contains("connection_ack", System.Text.Encoding.UTF8.GetString(buffer, 0, ack.Count));
        await socket.SendAsync("{\"type\":\"ping\"}"u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
        var pong = await socket.ReceiveAsync(buffer, timeout.Token);

        Assert.Contains("\"pong\"", System.Text.Encoding.UTF8.GetString(buffer, 0, pong.Count));
    }
}
