using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Sparkle.Media.Sdp;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.WebRtc;

/// <summary>The worker's side of one leg's DTLS association (RFC 5763/5764): always the DTLS server
/// (a=setup:passive). The handshake runs on its own thread; afterwards nothing blocks per leg: later
/// DTLS datagrams (a retransmitted client Finished, close_notify) are read on the thread pool as they
/// arrive, so BouncyCastle can resend our last flight and `Closed` fires.</summary>
public sealed class DtlsSrtpServer : IDisposable
{
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly DtlsCertificate _certificate;
    private readonly string _remoteFingerprintAlgorithm;
    private readonly string _remoteFingerprint;
    private readonly QueuedDatagramTransport _transport;
    // Serialises BouncyCastle's record layer after the handshake: the pump's reads and Dispose's close.
    private readonly object _gate = new();
    private DtlsTransport? _dtls;
    private SrtpDtlsTlsServer? _tlsServer;
    private string? _closeReason;
    private byte[]? _pumpBuffer;
    private int _handshakeStarted;
    private int _pumpScheduled;
    private int _closedRaised;
    private volatile bool _connected;
    private volatile bool _disposed;

    /// <summary>send: puts one DTLS datagram on the wire (any thread; must not block long; the memory is
    /// the callee's to keep).</summary>
    public DtlsSrtpServer(DtlsCertificate certificate, string remoteFingerprintAlgorithm, string remoteFingerprint,
        Action<ReadOnlyMemory<byte>> send)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(remoteFingerprintAlgorithm);
        ArgumentNullException.ThrowIfNull(remoteFingerprint);
        ArgumentNullException.ThrowIfNull(send);
        _certificate = certificate;
        _remoteFingerprintAlgorithm = remoteFingerprintAlgorithm;
        _remoteFingerprint = remoteFingerprint;
        _transport = new QueuedDatagramTransport(send);
    }

    /// <summary>Raised once when the peer closes the association (close_notify) or a fatal alert arrives
    /// after the handshake. Raised on a thread-pool thread; never on Dispose.</summary>
    public event Action? Closed;

    /// <summary>Why the association ended after the handshake (close_notify, a fatal alert, a record layer
    /// failure); null while it lasts. Set before `Closed` is raised.</summary>
    public string? CloseReason => Volatile.Read(ref _closeReason);

    public bool IsConnected => _connected && !_disposed && Volatile.Read(ref _closedRaised) == 0;

    /// <summary>Datagrams OnDatagram dropped: not whole DTLS records, over 1500 bytes, queue full, or after the end.</summary>
    public long DroppedDatagrams => _transport.Dropped;

    /// <summary>A datagram RFC 7983 classifies as DTLS (first byte 20..63), from the ICE-selected address.
    /// Queued, never processed on the caller's thread; never throws.</summary>
    public void OnDatagram(ReadOnlySpan<byte> packet)
    {
        try
        {
            if (_disposed || !_transport.Enqueue(packet))
            {
                return;
            }
            if (_connected)
            {
                SchedulePump();
            }
        }
        catch (Exception)
        {
            // Nothing above should throw (a full thread pool queue?); the socket thread must not die of it.
        }
    }

    /// <summary>The handshake with the default 10 s timeout.</summary>
    public Task<SrtpKeys> HandshakeAsync(CancellationToken cancellationToken = default) =>
        HandshakeAsync(DefaultHandshakeTimeout, cancellationToken);

    /// <summary>Runs the handshake (BouncyCastle's DtlsServerProtocol.Accept on its own thread); completes
    /// with the SRTP keys, or fails with DtlsFailedException on timeout, no use_srtp, no common SRTP
    /// profile, no client certificate, a client certificate whose fingerprint is not the SDP's, or any
    /// alert. Cancelled (not failed) when cancellationToken is. The thread has ended when this completes.
    /// Call once.</summary>
    public Task<SrtpKeys> HandshakeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), "The handshake timeout must be positive or infinite.");
        }
        if (Interlocked.Exchange(ref _handshakeStarted, 1) != 0)
        {
            throw new InvalidOperationException("The DTLS handshake runs once per association.");
        }
        var completion = new TaskCompletionSource<SrtpKeys>(TaskCreationOptions.RunContinuationsAsynchronously);
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var thread = new Thread(() =>
        {
            try
            {
                RunHandshake(completion, deadline, timeout, cancellationToken);
            }
            catch (Exception e)
            {
                // Unexpected (RunHandshake catches what Accept throws); an escaping exception would end the process.
                _transport.Abort();
                completion.TrySetException(new DtlsFailedException("the DTLS handshake failed: " + e.Message, e));
            }
        })
        {
            IsBackground = true,
            Name = "dtls-handshake",
        };
        thread.Start();
        return completion.Task;
    }

    private void RunHandshake(TaskCompletionSource<SrtpKeys> completion, CancellationTokenSource deadline, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var server = new SrtpDtlsTlsServer(new BcTlsCrypto(new SecureRandom()), _certificate, _remoteFingerprintAlgorithm,
            _remoteFingerprint);
        DtlsTransport? dtls = null;
        Exception? error = null;
        var timedOut = false;
        try
        {
            // Aborting the transport wakes BouncyCastle's blocking receive with an error: Accept ends.
            using (deadline.Token.Register(static state => ((QueuedDatagramTransport)state!).Abort(), _transport))
            {
                deadline.CancelAfter(timeout);
                try
                {
                    // No HelloVerifyRequest cookie round trip: ICE has already checked the browser's address.
                    dtls = new DtlsServerProtocol { VerifyRequests = false }.Accept(server, _transport);
                }
                catch (Exception e)
                {
                    error = e;
                }
            }
            // The registration is gone: a timeout can no longer fire, so this reading is final.
            timedOut = deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
        }
        finally
        {
            deadline.Dispose();
        }

        SrtpKeys? keys = null;
        string? reason = null;
        if (cancellationToken.IsCancellationRequested)
        {
            reason = "cancelled";
        }
        else if (_disposed)
        {
            reason = "the DTLS server was disposed during the handshake";
        }
        else if (timedOut || _transport.IsAborted)
        {
            reason = $"the DTLS handshake timed out after {timeout.TotalSeconds:0.###} s";
        }
        else if (error is not null || dtls is null)
        {
            reason = server.FailureReason
                ?? (server.AlertReceived is { } alert ? $"the client sent a fatal alert: {AlertDescription.GetText(alert)}" : null)
                ?? $"the DTLS handshake failed: {error?.Message}";
        }
        else if (server.KeyingMaterial is not { Length: SrtpDtlsTlsServer.KeyingMaterialLength } material)
        {
            reason = "the DTLS handshake exported no SRTP keying material";
        }
        else
        {
            // RFC 5764 §4.2: client_key | server_key | client_salt | server_salt. We are the server.
            var local = new byte[30];
            var remote = new byte[30];
            material.AsSpan(16, 16).CopyTo(local);
            material.AsSpan(46, 14).CopyTo(local.AsSpan(16));
            material.AsSpan(0, 16).CopyTo(remote);
            material.AsSpan(32, 14).CopyTo(remote.AsSpan(16));
            Array.Clear(material);
            keys = new SrtpKeys(SrtpSuite.AesCm128HmacSha1_80, local, remote);
        }

        if (keys is null)
        {
            CloseQuietly(dtls);
            _transport.Abort();
            if (cancellationToken.IsCancellationRequested)
            {
                completion.TrySetCanceled(cancellationToken);
            }
            else
            {
                completion.TrySetException(new DtlsFailedException(reason!, error));
            }
            return;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                // Dispose ran between Accept's end and here: it found no association to close.
                CloseQuietly(dtls);
                completion.TrySetException(new DtlsFailedException("the DTLS server was disposed during the handshake"));
                return;
            }
            _dtls = dtls;
            _tlsServer = server;
            _connected = true;
        }
        if (_transport.Count > 0)
        {
            SchedulePump(); // what arrived between the end of Accept and now
        }
        completion.TrySetResult(keys);
    }

    private void SchedulePump()
    {
        if (Interlocked.CompareExchange(ref _pumpScheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static server => server.Pump(), this, preferLocal: false);
        }
    }

    /// <summary>Feeds what is queued to BouncyCastle's record layer, never waiting for more than a
    /// millisecond: it answers a retransmitted Finished with our last flight, and closes on close_notify.</summary>
    private void Pump()
    {
        while (true)
        {
            var ended = false;
            Exception? failure = null;
            lock (_gate)
            {
                var dtls = _dtls;
                if (dtls is not null && !_disposed && Volatile.Read(ref _closedRaised) == 0)
                {
                    try
                    {
                        var buffer = _pumpBuffer ??= new byte[QueuedDatagramTransport.ReceiveLimit];
                        // 1 ms, not 0: BouncyCastle reads a wait of 0 as "wait forever". Each read takes
                        // one datagram at least; the bounds only guard against a record layer gone wrong.
                        for (var i = 0; i < QueuedDatagramTransport.Capacity && _transport.Count > 0 && !_transport.IsClosed; i++)
                        {
                            dtls.Receive(buffer, 0, buffer.Length, 1); // application data (none in WebRTC media) is dropped
                        }
                        for (var i = 0; i < QueuedDatagramTransport.Capacity && !_transport.IsClosed
                            && dtls.ReceivePending(buffer, 0, buffer.Length) >= 0; i++)
                        {
                        }
                    }
                    catch (Exception e)
                    {
                        ended = true; // a fatal alert received, or the record layer failed
                        failure = e;
                    }
                    ended |= _transport.IsClosed;
                    if (ended)
                    {
                        // BouncyCastle reports close_notify by closing the transport, and the read after it fails.
                        var server = _tlsServer;
                        Volatile.Write(ref _closeReason,
                            server?.CloseNotifyReceived == true ? "the peer sent close_notify"
                            : server?.AlertReceived is { } alert ? $"the peer sent a fatal alert: {AlertDescription.GetText(alert)}"
                            : $"the DTLS record layer failed: {failure?.Message ?? "closed"}");
                    }
                }
            }
            if (ended)
            {
                RaiseClosed();
            }
            Volatile.Write(ref _pumpScheduled, 0);
            if (ended || _transport.Count == 0 || Interlocked.CompareExchange(ref _pumpScheduled, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private void RaiseClosed()
    {
        if (_disposed || Interlocked.Exchange(ref _closedRaised, 1) != 0)
        {
            return;
        }
        _connected = false;
        try
        {
            Closed?.Invoke();
        }
        catch (Exception)
        {
            // A subscriber's bug must not end the thread-pool thread (and the process with it).
        }
    }

    private static void CloseQuietly(DtlsTransport? dtls)
    {
        try
        {
            dtls?.Close();
        }
        catch (Exception)
        {
            // Closing sends close_notify at best; a dead path is fine.
        }
    }

    /// <summary>Sends close_notify if connected, and ends a handshake in progress (it fails).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        lock (_gate)
        {
            CloseQuietly(_dtls);
            _dtls = null;
            _connected = false;
        }
        _transport.Abort();
    }
}
