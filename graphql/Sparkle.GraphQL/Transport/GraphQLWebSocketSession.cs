using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Transport;
using Sparkle.GraphQL.Identity;

namespace Sparkle.GraphQL.Transport;

/// <summary>One graphql-transport-ws connection: connection_init/ack, ping/pong, subscribe, next, error,
/// complete. One reader, one writer (a channel), so sends never overlap.</summary>
internal sealed class GraphQLWebSocketSession(
    WebSocket socket,
    HttpContext http,
    IServiceProvider services,
    GraphQLRequestExecutor executor,
    IGraphQLTextSerializer serializer,
    IErrorInfoProvider errorInfo,
    CallerMapper callers,
    TokenAuthenticator authenticator,
    GraphQLTransportOptions options,
    ILogger logger)
{
    private const WebSocketCloseStatus BadMessage = (WebSocketCloseStatus)4400;
    private const WebSocketCloseStatus Unauthorized = (WebSocketCloseStatus)4401;
    private const WebSocketCloseStatus Forbidden = (WebSocketCloseStatus)4403;
    private const WebSocketCloseStatus InitTimeout = (WebSocketCloseStatus)4408;
    private const WebSocketCloseStatus DuplicateSubscriber = (WebSocketCloseStatus)4409;
    private const WebSocketCloseStatus TooManyInits = (WebSocketCloseStatus)4429;

    // Bounded: a client that stops reading is disconnected instead of growing the host's memory.
    private const int OutboxCapacity = 4096;

    private readonly Channel<OutboundFrame> _outbox = Channel.CreateBounded<OutboundFrame>(new BoundedChannelOptions(OutboxCapacity) { SingleReader = true });
    private readonly ConcurrentDictionary<string, Operation> _operations = new();
    private readonly CancellationTokenSource _stop = new();
    private int _initReceived;
    private SparkleUserContext? _userContext;
    private bool _closing;

    public async Task RunAsync(CancellationToken aborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stop.Token);
        var writer = WriteLoopAsync();
        using var initTimer = new Timer(_ =>
        {
            if (Volatile.Read(ref _initReceived) == 0)
            {
                Close(InitTimeout, "Connection initialisation timeout");
            }
        }, null, TimeSpan.FromSeconds(options.ConnectionInitTimeoutSeconds), Timeout.InfiniteTimeSpan);
        try
        {
            await ReadLoopAsync(linked.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The peer went away or the close handshake timed out.
        }
        finally
        {
            foreach (var id in _operations.Keys)
            {
                StopOperation(id);
            }
            _outbox.Writer.TryComplete();
            await writer;
        }
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var message = new ArrayBufferWriter<byte>();
        try
        {
            while (socket.State == WebSocketState.Open && !_closing)
            {
                var received = await socket.ReceiveAsync(buffer, cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    Close(WebSocketCloseStatus.NormalClosure, "");
                    return;
                }
                if (received.MessageType == WebSocketMessageType.Binary)
                {
                    Close(BadMessage, "Binary messages are not supported");
                    return;
                }
                if (message.WrittenCount + received.Count > options.MaxWebSocketMessageBytes)
                {
                    Close(WebSocketCloseStatus.MessageTooBig, "Message too big");
                    return;
                }
                message.Write(buffer.AsSpan(0, received.Count));
                if (received.EndOfMessage)
                {
                    await HandleAsync(Encoding.UTF8.GetString(message.WrittenSpan));
                    message.ResetWrittenCount();
                }
            }
            // After we started the close handshake, wait briefly for the peer's close frame.
            while (socket.State == WebSocketState.CloseSent)
            {
                var received = await socket.ReceiveAsync(buffer, cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task HandleAsync(string text)
    {
        OperationMessage? message;
        try
        {
            message = serializer.Deserialize<OperationMessage>(text);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            message = null;
        }
        if (message?.Type is not { } type)
        {
            Close(BadMessage, "Invalid message");
            return;
        }
        switch (type)
        {
            case "connection_init":
                await InitAsync(message.Payload);
                break;
            case "ping":
                Send(new OperationMessage { Type = "pong" });
                break;
            case "pong":
                break;
            case "subscribe":
                Subscribe(message);
                break;
            case "complete":
                if (message.Id is { } completed)
                {
                    StopOperation(completed);
                }
                break;
            default:
                Close(BadMessage, $"Unknown message type '{type}'");
                break;
        }
    }

    private async Task InitAsync(object? payload)
    {
        if (Interlocked.Exchange(ref _initReceived, 1) == 1)
        {
            Close(TooManyInits, "Too many initialisation requests");
            return;
        }
        var token = FindToken(payload);
        var principal = token is null ? http.User : await authenticator.AuthenticateAsync(token);
        var caller = callers.Map(principal);
        var sentToken = token is not null || http.Request.Headers.Authorization.Count > 0;
        if (sentToken && caller is null)
        {
            Close(Forbidden, "Forbidden: invalid or expired token");
            return;
        }
        _userContext = new SparkleUserContext(caller, caller is null ? null : principal, RequestTransport.WebSocket);
        Send(new OperationMessage { Type = "connection_ack" });
    }

    private string? FindToken(object? payload)
    {
        if (payload is null)
        {
            return null;
        }
        JsonElement element;
        try
        {
            element = serializer.ReadNode<JsonElement>(payload);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String
                && property.Name.ToLowerInvariant() is "authorization" or "token" or "authtoken" or "accesstoken" or "access_token")
            {
                var value = property.Value.GetString()!.Trim();
                return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : value;
            }
        }
        return null;
    }

    private void Subscribe(OperationMessage message)
    {
        if (_userContext is null)
        {
            Close(Unauthorized, "Unauthorized");
            return;
        }
        if (string.IsNullOrEmpty(message.Id))
        {
            Close(BadMessage, "subscribe needs an id");
            return;
        }
        GraphQLRequest? request;
        try
        {
            request = serializer.ReadNode<GraphQLRequest>(message.Payload);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            request = null;
        }
        if (request is null || (string.IsNullOrWhiteSpace(request.Query) && request.DocumentId is null))
        {
            Close(BadMessage, "subscribe needs a payload with a query");
            return;
        }
        if (_operations.Count >= options.MaxSubscriptionsPerConnection)
        {
            SendErrors(message.Id, [new ExecutionError("Too many operations on this connection.") { Code = ErrorCodes.BadRequest }]);
            return;
        }
        var operation = new Operation();
        if (!_operations.TryAdd(message.Id, operation))
        {
            Close(DuplicateSubscriber, $"Subscriber for {message.Id} already exists");
            return;
        }
        _ = RunOperationAsync(message.Id, request, operation);
    }

    private async Task RunOperationAsync(string id, GraphQLRequest request, Operation operation)
    {
        try
        {
            var result = await executor.ExecuteAsync(request, _userContext!, services, operation.Cancellation.Token);
            if (result.Streams is { Count: > 0 } streams)
            {
                operation.Attach(streams.Values.First().Subscribe(new StreamObserver(this, id)));
                return;
            }
            if (!_operations.TryRemove(id, out _))
            {
                return;
            }
            if (!result.Executed)
            {
                SendErrors(id, result.Errors ?? []);
                return;
            }
            Send(new OperationMessage { Id = id, Type = "next", Payload = result });
            Send(new OperationMessage { Id = id, Type = "complete" });
        }
        catch (OperationCanceledException)
        {
            _operations.TryRemove(id, out _);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Operation {Id} failed", id);
            if (_operations.TryRemove(id, out _))
            {
                SendErrors(id, [new ExecutionError("Internal error.") { Code = ErrorCodes.Internal }]);
            }
        }
    }

    private void StopOperation(string id)
    {
        if (_operations.TryRemove(id, out var operation))
        {
            operation.Dispose();
        }
    }

    private void OnStreamNext(string id, ExecutionResult result)
    {
        if (_operations.ContainsKey(id))
        {
            Send(new OperationMessage { Id = id, Type = "next", Payload = result });
        }
    }

    private void OnStreamEnd(string id, Exception? error)
    {
        if (!_operations.TryRemove(id, out var operation))
        {
            return;
        }
        operation.Dispose();
        if (error is null)
        {
            Send(new OperationMessage { Id = id, Type = "complete" });
        }
        else
        {
            var executionError = error as ExecutionError ?? new ExecutionError("The event stream failed.") { Code = ErrorCodes.Internal };
            SendErrors(id, [executionError]);
        }
    }

    private void SendErrors(string id, IEnumerable<ExecutionError> errors)
    {
        var payload = errors.Select(e =>
        {
            var info = errorInfo.GetInfo(e);
            var error = new Dictionary<string, object?> { ["message"] = info.Message };
            if (e.Locations is { Count: > 0 } locations)
            {
                error["locations"] = locations.Select(l => new Dictionary<string, int> { ["line"] = l.Line, ["column"] = l.Column }).ToList();
            }
            if (info.Extensions is { Count: > 0 })
            {
                error["extensions"] = info.Extensions;
            }
            return error;
        }).ToList();
        Send(new OperationMessage { Id = id, Type = "error", Payload = payload });
    }

    private void Send(OperationMessage message)
    {
        if (!_outbox.Writer.TryWrite(new OutboundFrame(serializer.Serialize(message))) && !_closing)
        {
            logger.LogWarning("WebSocket client too slow: {Count} messages unread; disconnecting", OutboxCapacity);
            _closing = true;
            socket.Abort();
            _stop.Cancel();
        }
    }

    private void Close(WebSocketCloseStatus status, string reason)
    {
        _closing = true;
        if (!_outbox.Writer.TryWrite(new OutboundFrame(null, status, reason)))
        {
            socket.Abort();
            _stop.Cancel();
        }
        _outbox.Writer.TryComplete();
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync())
            {
                if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
                {
                    break;
                }
                if (frame.CloseStatus is { } status)
                {
                    await socket.CloseOutputAsync(status, frame.CloseReason, CancellationToken.None);
                    // Give the peer a moment to answer the close, then stop reading.
                    _stop.CancelAfter(TimeSpan.FromSeconds(2));
                    break;
                }
                await socket.SendAsync(Encoding.UTF8.GetBytes(frame.Text!), WebSocketMessageType.Text, true, CancellationToken.None);
            }
        }
        catch (WebSocketException ex)
        {
            logger.LogDebug(ex, "WebSocket send failed");
            _stop.Cancel();
        }
    }

    /// <summary>One running operation: cancellation of its execution and its stream subscription.</summary>
    private sealed class Operation : IDisposable
    {
        private readonly Lock _gate = new();
        private IDisposable? _subscription;
        private bool _disposed;

        public CancellationTokenSource Cancellation { get; } = new();

        public void Attach(IDisposable subscription)
        {
            lock (_gate)
            {
                if (!_disposed)
                {
                    _subscription = subscription;
                    return;
                }
            }
            subscription.Dispose();
        }

        public void Dispose()
        {
            IDisposable? subscription;
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }
                _disposed = true;
                subscription = _subscription;
            }
            Cancellation.Cancel();
            subscription?.Dispose();
        }
    }

    private sealed class StreamObserver(GraphQLWebSocketSession session, string id) : IObserver<ExecutionResult>
    {
        public void OnNext(ExecutionResult value) => session.OnStreamNext(id, value);

        public void OnError(Exception error) => session.OnStreamEnd(id, error);

        public void OnCompleted() => session.OnStreamEnd(id, null);
    }
}
