using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;

namespace Sparkle.Sip.Transport;

public sealed partial class SipTransport
{
    private readonly SipConnectionStats _stats = new();
    private int _pendingHandshakes;

    /// <summary>Bytes read from TCP/TLS connections (counted once the connection's deadline is set).</summary>
    public long BytesReceived => Interlocked.Read(ref _stats.BytesReceived);
    /// <summary>Connections closed for holding a partial message too long or for idling.</summary>
    public long ConnectionsTimedOut => Interlocked.Read(ref _stats.TimedOut);
    /// <summary>Inbound TLS handshakes under way (their timeout already running).</summary>
    public int PendingHandshakes => Volatile.Read(ref _pendingHandshakes);
    public int ConnectionCount => _connections.Count;
    /// <summary>Inbound connections closed at accept for the per-address or total cap.</summary>
    public long ConnectionsRefused => Interlocked.Read(ref _connectionsRefused);
    private long _connectionsRefused;
    /// <summary>Inbound TCP/TLS connections open per source address (handshaking included), and in all.</summary>
    private readonly ConcurrentDictionary<IPAddress, int> _inboundPerAddress = new();
    private int _inboundTotal;

    private async Task AcceptLoopAsync(TcpListener listener, SipTransportKind kind)
    {
        while (!_cts.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                _logger.LogDebug("Accept failed: {Message}", ex.Message);
                continue;
            }
            if (!TryAdmit(client, out var source))
            {
                continue;
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    await RunInboundAsync(client, kind).ConfigureAwait(false);
                }
                finally
                {
                    Release(source);
                }
            });
        }
    }

    /// <summary>Counts the connection against its source's and the total cap; over either it is reset at
    /// once, before any buffer or TLS state exists for it.</summary>
    private bool TryAdmit(TcpClient client, out IPAddress source)
    {
        source = IPAddress.None;
        try
        {
            var address = ((IPEndPoint)client.Client.RemoteEndPoint!).Address;
            source = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            client.Dispose();
            return false;
        }
        if (Guard.IsBanned(source))
        {
            // A banned address gets no connection either.
            Reset(client);
            return false;
        }
        var total = Interlocked.Increment(ref _inboundTotal);
        var fromSource = _inboundPerAddress.AddOrUpdate(source, 1, (_, n) => n + 1);
        if (total <= _options.MaxConnections && fromSource <= _options.MaxConnectionsPerAddress)
        {
            return true;
        }
        Release(source);
        if (Interlocked.Increment(ref _connectionsRefused) % 1000 == 1)
        {
            // One line per thousand, not per connection: a flood must not become a log flood.
            _logger.LogWarning("Refusing TCP/TLS connections from {Source}: {FromSource} open from it, {Total} in all",
                source, fromSource, total);
        }
        Reset(client);
        return false;
    }

    /// <summary>Closes with a reset (linger 0): no TIME_WAIT is kept for a connection we never wanted.</summary>
    private static void Reset(TcpClient client)
    {
        try
        {
            client.Client.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Closing anyway.
        }
        client.Dispose();
    }

    private void Release(IPAddress source)
    {
        Interlocked.Decrement(ref _inboundTotal);
        while (_inboundPerAddress.TryGetValue(source, out var n))
        {
            if (n <= 1
                ? _inboundPerAddress.TryRemove(new KeyValuePair<IPAddress, int>(source, n))
                : _inboundPerAddress.TryUpdate(source, n - 1, n))
            {
                return;
            }
        }
    }

    /// <summary>Keeps the TCP/TLS connection to <paramref name="remote"/> open while idle for
    /// <paramref name="lifetime"/> (a registration's expiry); zero restores the idle timeout. UDP: nothing to do.</summary>
    public void HoldFlow(SipEndPoint remote, TimeSpan lifetime)
    {
        if (remote.Transport != SipTransportKind.Udp && _connections.TryGetValue(remote, out var connection))
        {
            connection.HoldFor(lifetime);
        }
    }

    /// <summary>Inbound TCP/TLS connections now open from one address (for tests and metrics).</summary>
    public int InboundConnectionsFrom(IPAddress address) => _inboundPerAddress.TryGetValue(address, out var n) ? n : 0;

    private async Task RunInboundAsync(TcpClient client, SipTransportKind kind)
    {
        try
        {
            client.NoDelay = true;
            var remote = new SipEndPoint(kind, (IPEndPoint)client.Client.RemoteEndPoint!);
            var local = new SipEndPoint(kind, (IPEndPoint)client.Client.LocalEndPoint!);
            Stream stream = client.GetStream();
            if (kind == SipTransportKind.Tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                using var deadline = new CancellationTokenSource(_options.TlsHandshakeTimeout, _options.Time);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token, deadline.Token);
                Interlocked.Increment(ref _pendingHandshakes);
                try
                {
                    // A peer that connects and never finishes the handshake holds a socket: bounded like a message.
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificate = _options.Certificate,
                        ClientCertificateRequired = false,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    }, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _stats.TimedOut);
                    await ssl.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
                finally
                {
                    Interlocked.Decrement(ref _pendingHandshakes);
                }
                stream = ssl;
            }
            await RunConnectionAsync(new SipConnection(client, stream, remote, local, _logger, _options, _stats)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogDebug("Inbound {Kind} connection failed: {Message}", kind, ex.Message);
            client.Dispose();
        }
    }

    private Task RunConnectionAsync(SipConnection connection)
    {
        _connections[connection.Remote] = connection;
        connection.Closed += c => _connections.TryRemove(new KeyValuePair<SipEndPoint, SipConnection>(c.Remote, c));
        return connection.RunReadLoopAsync((c, result) => Deliver(result, c.Remote, c.Local));
    }

    /// <summary>Connections being opened, one attempt per destination (a dead peer delays only its own sends).</summary>
    private readonly ConcurrentDictionary<SipEndPoint, Task<SipConnection>> _connecting = new();

    private async Task<SipConnection> GetOrConnectAsync(SipEndPoint destination)
    {
        if (_connections.TryGetValue(destination, out var existing) && existing.IsOpen)
        {
            return existing;
        }
        var attempt = _connecting.GetOrAdd(destination, ConnectAsync);
        try
        {
            return await attempt.ConfigureAwait(false);
        }
        finally
        {
            _connecting.TryRemove(new KeyValuePair<SipEndPoint, Task<SipConnection>>(destination, attempt));
        }
    }

    private async Task<SipConnection> ConnectAsync(SipEndPoint destination)
    {
        var client = new TcpClient(destination.Address.AddressFamily) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(destination.Address, timeout.Token).ConfigureAwait(false);
            Stream stream = client.GetStream();
            if (destination.Transport == SipTransportKind.Tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                var options = new SslClientAuthenticationOptions
                {
                    TargetHost = destination.Address.Address.ToString(),
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                };
                if (_options.AcceptAnyServerCertificate)
                {
                    options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
                }
                await ssl.AuthenticateAsClientAsync(options, timeout.Token).ConfigureAwait(false);
                stream = ssl;
            }
            var local = new SipEndPoint(destination.Transport, (IPEndPoint)client.Client.LocalEndPoint!);
            var connection = new SipConnection(client, stream, destination, local, _logger, _options, _stats);
            _connections[destination] = connection;
            connection.Closed += c => _connections.TryRemove(new KeyValuePair<SipEndPoint, SipConnection>(c.Remote, c));
            _ = Task.Run(() => connection.RunReadLoopAsync((c, result) => Deliver(result, c.Remote, c.Local)));
            return connection;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
