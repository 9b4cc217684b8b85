using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Transport;

/// <summary>Counters shared by a transport's connections (for tests and metrics).</summary>
internal sealed class SipConnectionStats
{
    public long BytesReceived;
    public long TimedOut;
}

/// <summary>One TCP or TLS connection: a read loop that frames messages, and serialized writes. One timer
/// bounds how long it may hold bytes: a started message must complete within the message timeout (from
/// its first byte, not reset by trickling), and with nothing pending the idle timeout runs, reset by each
/// complete message or CRLF keep-alive.</summary>
internal sealed class SipConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly TcpClient _client;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _cts = new();
    private readonly ILogger _logger;
    private readonly SipTransportOptions _options;
    private readonly SipConnectionStats _stats;
    private readonly ITimer _deadline;
    private int _timedOut;
    private volatile bool _messagePending;
    /// <summary>The idle timeout, or longer while a registration rides on this flow (see <see cref="HoldFor"/>).</summary>
    private TimeSpan _idleTimeout;
    private int _disposed;

    public SipConnection(TcpClient client, Stream stream, SipEndPoint remote, SipEndPoint local, ILogger logger,
        SipTransportOptions options, SipConnectionStats stats)
    {
        _client = client;
        _stream = stream;
        Remote = remote;
        Local = local;
        _logger = logger;
        _options = options;
        _stats = stats;
        _idleTimeout = options.IdleTimeout;
        _deadline = options.Time.CreateTimer(static s => ((SipConnection)s!).OnDeadline(), this, options.IdleTimeout, Timeout.InfiniteTimeSpan);
    }

    public SipEndPoint Remote { get; }
    public SipEndPoint Local { get; }
    public bool IsOpen => !_cts.IsCancellationRequested;

    /// <summary>Reads until the peer closes; never throws. <paramref name="onResult"/> gets each framed result.</summary>
    public async Task RunReadLoopAsync(Action<SipConnection, SipParseResult> onResult)
    {
        var buffer = new byte[16 * 1024];
        using var framer = new SipStreamFramer(_options.MaxHeaderBytes, _options.MaxBodyBytes);
        try
        {
            while (!_cts.IsCancellationRequested)
            {
                var read = await _stream.ReadAsync(buffer, _cts.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                framer.Append(buffer.AsSpan(0, read));
                var completed = false;
                while (true)
                {
                    var result = framer.Next();
                    if (result.Status == SipParseStatus.Incomplete)
                    {
                        break;
                    }
                    completed = true;
                    onResult(this, result);
                    if (framer.Broken)
                    {
                        _logger.LogInformation("Closing {Remote}: stream cannot be framed ({Error})", Remote, result.Error);
                        await DrainWritesAsync().ConfigureAwait(false);
                        return;
                    }
                }
                // Trickled bytes of the same message never move its deadline; a completed message or a
                // keep-alive (which leaves nothing buffered) restarts the clock.
                if (framer.Buffered == 0)
                {
                    _messagePending = false;
                    _deadline.Change(_idleTimeout, Timeout.InfiniteTimeSpan);
                }
                else if (!_messagePending || completed)
                {
                    _messagePending = true;
                    _deadline.Change(_options.MessageTimeout, Timeout.InfiniteTimeSpan);
                }
                // Counted after the timer is set, so a test that saw the bytes arrive can move the clock.
                Interlocked.Add(ref _stats.BytesReceived, read);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogDebug("Connection {Remote} ended: {Message}", Remote, ex.Message);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Unexpected error on connection {Remote}", Remote);
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Keeps an idle flow open for <paramref name="lifetime"/> (at least the idle timeout): a phone
    /// registered over this connection is reached through it, so it must outlive the registration, not just
    /// the idle timeout. Zero goes back to the idle timeout. A partial message keeps its own deadline.</summary>
    public void HoldFor(TimeSpan lifetime)
    {
        _idleTimeout = lifetime > _options.IdleTimeout ? lifetime : _options.IdleTimeout;
        if (!_messagePending && IsOpen)
        {
            _deadline.Change(_idleTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnDeadline()
    {
        if (Interlocked.Exchange(ref _timedOut, 1) != 0 || !IsOpen)
        {
            return;
        }
        Interlocked.Increment(ref _stats.TimedOut);
        // Debug, not Information: a slowloris of thousands of sockets must not become thousands of log lines.
        _logger.LogDebug("Closing {Remote}: no complete message in time", Remote);
        _ = DisposeAsync().AsTask();
    }

    /// <summary>Lets a response already being written (a 400 for what broke the framing) go out before the close.</summary>
    private async Task DrainWritesAsync()
    {
        if (await _writeLock.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false))
        {
            _writeLock.Release();
        }
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes).ConfigureAwait(false);
            await _stream.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public event Action<SipConnection>? Closed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _cts.Cancel();
        _deadline.Dispose();
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
        _client.Dispose();
        Closed?.Invoke(this);
    }
}
