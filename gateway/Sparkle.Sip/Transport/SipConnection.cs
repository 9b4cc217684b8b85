using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Transport;

/// <summary>One TCP or TLS connection: a read loop that frames messages, and serialized writes.</summary>
internal sealed class SipConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly TcpClient _client;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _cts = new();
    private readonly ILogger _logger;

    public SipConnection(TcpClient client, Stream stream, SipEndPoint remote, SipEndPoint local, ILogger logger)
    {
        _client = client;
        _stream = stream;
        Remote = remote;
        Local = local;
        _logger = logger;
    }

    public SipEndPoint Remote { get; }
    public SipEndPoint Local { get; }
    public bool IsOpen => !_cts.IsCancellationRequested;

    /// <summary>Reads until the peer closes; never throws. <paramref name="onResult"/> gets each framed result.</summary>
    public async Task RunReadLoopAsync(Action<SipConnection, SipParseResult> onResult)
    {
        var buffer = new byte[16 * 1024];
        using var framer = new SipStreamFramer();
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
                while (true)
                {
                    var result = framer.Next();
                    if (result.Status == SipParseStatus.Incomplete)
                    {
                        break;
                    }
                    onResult(this, result);
                    if (framer.Broken)
                    {
                        _logger.LogInformation("Closing {Remote}: stream cannot be framed ({Error})", Remote, result.Error);
                        return;
                    }
                }
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
        if (_cts.IsCancellationRequested)
        {
            return;
        }
        _cts.Cancel();
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
