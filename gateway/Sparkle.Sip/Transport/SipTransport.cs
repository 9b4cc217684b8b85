using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Transport;

/// <summary>The transport layer (RFC 3261 §18): UDP, TCP and TLS listeners, outbound connections reused by
/// remote address, and the single entry point that hands parsed messages up. Broken requests that can be
/// answered get 400 here; everything else broken is dropped. No receive loop ever throws.</summary>
public sealed partial class SipTransport : ISipSender, IAsyncDisposable
{
    private readonly SipTransportOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<SipEndPoint, SipConnection> _connections = new();
    /// <summary>Requests moved from UDP to TCP for their size; they fall back to UDP when the peer takes
    /// no TCP connection (many phones listen on UDP only).</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SipRequest, object> _movedToTcp = new();
    /// <summary>Addresses that refused a TCP connection for a large request, with when we may try again:
    /// meanwhile their large requests go straight over UDP (so their transactions retransmit as UDP ones).</summary>
    private readonly ConcurrentDictionary<IPEndPoint, long> _noTcpUntil = new();
    private static readonly TimeSpan s_noTcpMemory = TimeSpan.FromMinutes(5);
    private readonly CancellationTokenSource _cts = new();
    private readonly List<Task> _loops = [];
    private Socket? _udp;
    private TcpListener? _tcpListener;
    private TcpListener? _tlsListener;
    private ISipMessageSink? _sink;

    public SipTransport(SipTransportOptions options, ILogger<SipTransport>? logger = null)
    {
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Guard = new SipAbuseGuard(options.Abuse, options.Time, _logger);
    }

    /// <summary>Per-source rate limits and authentication bans, checked for every message received.</summary>
    public SipAbuseGuard Guard { get; }

    public SipEndPoint? UdpEndPoint { get; private set; }
    public SipEndPoint? TcpEndPoint { get; private set; }
    public SipEndPoint? TlsEndPoint { get; private set; }

    public string AdvertisedHost => _options.AdvertisedHost ?? _options.BindAddress.ToString();

    /// <summary>Counts of messages dropped or answered 400 since start (for tests and metrics).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);
    public long Dropped => Interlocked.Read(ref _dropped);
    private long _rejected;
    private long _dropped;

    public void SetSink(ISipMessageSink sink) => _sink = sink;

    public void Start()
    {
        if (_options.UdpPort is { } udpPort)
        {
            _udp = new Socket(_options.BindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            _udp.Bind(new IPEndPoint(_options.BindAddress, udpPort));
            UdpEndPoint = new SipEndPoint(SipTransportKind.Udp, (IPEndPoint)_udp.LocalEndPoint!);
            _loops.Add(Task.Run(UdpReceiveLoopAsync));
        }
        if (_options.TcpPort is { } tcpPort)
        {
            _tcpListener = new TcpListener(_options.BindAddress, tcpPort);
            _tcpListener.Start();
            TcpEndPoint = new SipEndPoint(SipTransportKind.Tcp, (IPEndPoint)_tcpListener.LocalEndpoint);
            _loops.Add(Task.Run(() => AcceptLoopAsync(_tcpListener, SipTransportKind.Tcp)));
        }
        if (_options.TlsPort is { } tlsPort && _options.Certificate is not null)
        {
            _tlsListener = new TcpListener(_options.BindAddress, tlsPort);
            _tlsListener.Start();
            TlsEndPoint = new SipEndPoint(SipTransportKind.Tls, (IPEndPoint)_tlsListener.LocalEndpoint);
            _loops.Add(Task.Run(() => AcceptLoopAsync(_tlsListener, SipTransportKind.Tls)));
        }
    }

    public SipEndPoint? LocalEndPoint(SipTransportKind kind) => kind switch
    {
        SipTransportKind.Udp => UdpEndPoint,
        SipTransportKind.Tcp => TcpEndPoint,
        _ => TlsEndPoint,
    };

    /// <summary>Chooses the transport a request really goes over (UDP becomes TCP above the MTU limit,
    /// RFC 3261 §18.1.1) and writes our sent-by and transport into its top Via.</summary>
    public SipEndPoint PrepareRequest(SipRequest request, SipEndPoint destination)
    {
        var actual = destination;
        if (destination.Transport == SipTransportKind.Udp && TcpEndPoint is not null
            && request.ToBytes().Length > _options.UdpMtuLimit && !KnownWithoutTcp(destination.Address))
        {
            actual = destination with { Transport = SipTransportKind.Tcp };
            _movedToTcp.AddOrUpdate(request, actual);
        }
        var via = request.TopVia ?? new ViaHeader();
        if (via.Branch is null || !via.Branch.StartsWith(ViaHeader.MagicCookie, StringComparison.Ordinal))
        {
            via.Branch = ViaHeader.NewBranch();
        }
        via.Transport = actual.Transport.ToVia();
        via.Host = AdvertisedHost;
        via.Port = LocalEndPoint(actual.Transport)?.Address.Port;
        if (!via.Parameters.Contains("rport"))
        {
            via.Parameters.Set("rport", null);
        }
        if (request.Headers.Contains(HeaderNames.Via))
        {
            request.SetTopVia(via);
        }
        else
        {
            request.Headers.AddFirst(HeaderNames.Via, via.ToString());
        }
        return actual;
    }

    private bool KnownWithoutTcp(IPEndPoint address)
    {
        if (!_noTcpUntil.TryGetValue(address, out var until))
        {
            return false;
        }
        if (Environment.TickCount64 < until)
        {
            return true;
        }
        _noTcpUntil.TryRemove(address, out _);
        return false;
    }

    /// <summary>Sends bytes; on TCP/TLS reuses an open connection to the address or opens one.</summary>
    public async Task SendAsync(SipMessage message, SipEndPoint destination)
    {
        var bytes = message.ToBytes();
        if (destination.Transport == SipTransportKind.Udp)
        {
            if (_udp is null)
            {
                throw new InvalidOperationException("UDP transport is not enabled");
            }
            await _udp.SendToAsync(bytes, SocketFlags.None, destination.Address).ConfigureAwait(false);
            return;
        }
        SipConnection connection;
        try
        {
            connection = await GetOrConnectAsync(destination).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException
                                   && message is SipRequest request && _movedToTcp.TryGetValue(request, out _) && _udp is not null)
        {
            // RFC 3261 §18.1.1 prefers TCP for large requests; a peer without TCP still gets the request.
            var via = request.TopVia!;
            via.Transport = SipTransportKind.Udp.ToVia();
            via.Port = UdpEndPoint!.Value.Address.Port;
            request.SetTopVia(via);
            _logger.LogDebug("No TCP at {Destination}: sending the large request over UDP", destination);
            _noTcpUntil[destination.Address] = Environment.TickCount64 + (long)s_noTcpMemory.TotalMilliseconds;
            await _udp.SendToAsync(request.ToBytes(), SocketFlags.None, destination.Address).ConfigureAwait(false);
            return;
        }
        await connection.SendAsync(bytes).ConfigureAwait(false);
    }

    /// <summary>Sends a response back where its request came from (§18.2.2): the same connection if it is
    /// still open, else a new one to the address the request came from (what received= records, which this
    /// transport stamps itself) at the Via's sent-by port; on UDP the source address (RFC 3581). Nothing the
    /// client wrote chooses the address, so a forged received= cannot aim our connection elsewhere.</summary>
    public Task SendResponseAsync(SipResponse response, SipEndPoint requestSource)
    {
        if (requestSource.Transport != SipTransportKind.Udp && !_connections.ContainsKey(requestSource)
            && response.TopVia is { } via)
        {
            requestSource = requestSource with
            {
                Address = new IPEndPoint(requestSource.Address.Address, via.Port ?? ViaHeader.DefaultPort(via.Transport)),
            };
        }
        return SendAsync(response, requestSource);
    }

    public bool HasConnection(SipEndPoint endPoint) => _connections.ContainsKey(endPoint);

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        Guard.Dispose();
        _udp?.Dispose();
        _tcpListener?.Stop();
        _tlsListener?.Stop();
        foreach (var connection in _connections.Values)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Transport loops did not stop within 2 s");
        }
    }

    /// <summary>The one entry point for every received message, whatever the transport.</summary>
    private void Deliver(SipParseResult result, SipEndPoint remote, SipEndPoint local)
    {
        try
        {
            if (!Admit(result, remote))
            {
                return;
            }
            if (result.Status == SipParseStatus.Complete && result.Message is { } message)
            {
                if (message is SipRequest request)
                {
                    StampReceived(request, remote);
                }
                else if (message.TopVia is { } via && !string.Equals(via.Host, AdvertisedHost, StringComparison.OrdinalIgnoreCase))
                {
                    // §18.1.2: a response whose top Via is not ours is discarded.
                    Interlocked.Increment(ref _dropped);
                    return;
                }
                _sink?.OnMessage(new SipInbound(message, remote, local));
                return;
            }
            if (result.Status == SipParseStatus.Invalid)
            {
                if (SipParser.CanAnswer(result.Message))
                {
                    var bad = (SipRequest)result.Message!;
                    StampReceived(bad, remote);
                    var response = bad.CreateResponse(result.ErrorStatusCode, result.ErrorStatusCode == 400
                        ? "Bad Request (" + result.Error + ")"
                        : null);
                    Interlocked.Increment(ref _rejected);
                    _ = SendResponseSafeAsync(response, remote);
                }
                else
                {
                    Interlocked.Increment(ref _dropped);
                    _logger.LogDebug("Dropped unanswerable message from {Remote}: {Error}", remote, result.Error);
                }
            }
        }
        catch (Exception ex)
        {
            // A bug above the transport must not kill a receive loop.
            _logger.LogError(ex, "Error handling a message from {Remote}", remote);
        }
    }

    /// <summary>The abuse checks: a banned source is ignored, a source over its rate gets a 503 now and then
    /// and silence otherwise. Requests that pass carry their source address up.</summary>
    private bool Admit(SipParseResult result, SipEndPoint remote)
    {
        var source = remote.Address.Address;
        if (result.Message is not { } message)
        {
            return !Guard.IsBanned(source);
        }
        switch (Guard.Check(source, message))
        {
            case SipAbuseVerdict.Drop:
                return false;
            case SipAbuseVerdict.Reject when message is SipRequest request && SipParser.CanAnswer(request):
                StampReceived(request, remote);
                var busy = request.CreateResponse(503, "Service Unavailable (rate limited)");
                busy.Headers.Add(HeaderNames.RetryAfter, Guard.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
                _ = SendResponseSafeAsync(busy, remote);
                return false;
            case SipAbuseVerdict.Reject:
                return false;
            default:
                message.Source = remote.Address;
                return true;
        }
    }

    private async Task SendResponseSafeAsync(SipResponse response, SipEndPoint remote)
    {
        try
        {
            await SendResponseAsync(response, remote).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            _logger.LogDebug("Could not send {Status} to {Remote}: {Message}", response.StatusCode, remote, ex.Message);
        }
    }

    /// <summary>§18.2.1: received= when the source differs from sent-by; rport filled when asked (RFC 3581).
    /// A received= or rport value the client wrote itself is never kept: both record what we saw.</summary>
    private static void StampReceived(SipRequest request, SipEndPoint remote)
    {
        if (request.TopVia is not { } via)
        {
            return;
        }
        var source = remote.Address.Address.ToString();
        var changed = false;
        if (!string.Equals(via.HostName(), source, StringComparison.OrdinalIgnoreCase))
        {
            via.Received = source;
            changed = true;
        }
        else if (via.Parameters.Contains("received"))
        {
            via.Parameters.Remove("received");
            changed = true;
        }
        if (via.Parameters.Contains("rport"))
        {
            via.Parameters.Set("rport", remote.Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            via.Received ??= source;
            changed = true;
        }
        if (changed)
        {
            request.SetTopVia(via);
        }
    }
}
