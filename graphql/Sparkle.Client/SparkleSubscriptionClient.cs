using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Sparkle.Client;

/// <summary>A graphql-transport-ws connection: connection_init with the bearer token, then any number of
/// subscriptions, each read as an async stream of responses.</summary>
public sealed class SparkleSubscriptionClient : IAsyncDisposable
{
    public const string SubProtocol = "graphql-transport-ws";

    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<string, Channel<GraphQLResponse>> _operations = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;
    private int _nextId;

    private SparkleSubscriptionClient()
    {
        _socket.Options.AddSubProtocol(SubProtocol);
    }

    /// <summary>Why the server closed the connection, once it has.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseStatusDescription => _socket.CloseStatusDescription;

    /// <summary>Connects to the /graphql endpoint (http(s) URLs are turned into ws(s)) and waits for connection_ack.</summary>
    public static async Task<SparkleSubscriptionClient> ConnectAsync(Uri endpoint, string? token, CancellationToken cancellationToken = default)
    {
        var client = new SparkleSubscriptionClient();
        var builder = new UriBuilder(endpoint) { Scheme = endpoint.Scheme == "https" ? "wss" : "ws" };
        await client._socket.ConnectAsync(builder.Uri, cancellationToken);
        var init = new JsonObject { ["type"] = "connection_init" };
        if (token is not null)
        {
            init["payload"] = new JsonObject { ["Authorization"] = "Bearer " + token };
        }
        await client.SendAsync(init, cancellationToken);
        var ack = await client.ReceiveAsync(cancellationToken);
        if (ack?["type"]?.GetValue<string>() != "connection_ack")
        {
            var reason = client._socket.CloseStatusDescription ?? ack?.ToJsonString() ?? "connection closed";
            await client.DisposeAsync();
            throw new SparkleApiException("The server refused the connection: " + reason, "UNAUTHENTICATED", []);
        }
        client._reader = client.ReadLoopAsync();
        return client;
    }

    /// <summary>Starts an operation; the stream ends when the server completes it.</summary>
    public async Task<IAsyncEnumerable<GraphQLResponse>> SubscribeAsync(string query, object? variables = null, CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var channel = Channel.CreateUnbounded<GraphQLResponse>();
        _operations[id] = channel;
        var payload = new JsonObject { ["query"] = query };
        if (variables is not null)
        {
            payload["variables"] = JsonSerializer.SerializeToNode(variables, SparkleJson.Options);
        }
        await SendAsync(new JsonObject { ["id"] = id, ["type"] = "subscribe", ["payload"] = payload }, cancellationToken);
        return channel.Reader.ReadAllAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is WebSocketException or TimeoutException or OperationCanceledException)
            {
                // Already gone.
            }
        }
        if (_reader is not null)
        {
            await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _socket.Dispose();
        _sendLock.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await ReceiveAsync(_stop.Token) is { } message)
            {
                var type = message["type"]?.GetValue<string>();
                var id = message["id"]?.GetValue<string>();
                if (type == "ping")
                {
                    await SendAsync(new JsonObject { ["type"] = "pong" }, _stop.Token);
                    continue;
                }
                if (id is null || !_operations.TryGetValue(id, out var channel))
                {
                    continue;
                }
                switch (type)
                {
                    case "next":
                        using (var document = JsonDocument.Parse(message["payload"]?.ToJsonString() ?? "{}"))
                        {
                            channel.Writer.TryWrite(GraphQLResponse.Parse(System.Net.HttpStatusCode.OK, document.RootElement));
                        }
                        break;
                    case "error":
                        using (var document = JsonDocument.Parse(new JsonObject { ["errors"] = message["payload"]?.DeepClone() }.ToJsonString()))
                        {
                            channel.Writer.TryWrite(GraphQLResponse.Parse(System.Net.HttpStatusCode.OK, document.RootElement));
                        }
                        _operations.TryRemove(id, out _);
                        channel.Writer.TryComplete();
                        break;
                    case "complete":
                        _operations.TryRemove(id, out _);
                        channel.Writer.TryComplete();
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or JsonException)
        {
            // Connection lost: end every stream below.
        }
        foreach (var channel in _operations.Values)
        {
            channel.Writer.TryComplete();
        }
    }

    private async Task<JsonNode?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return JsonNode.Parse(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
            }
        }
    }

    private async Task SendAsync(JsonObject message, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
