using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sparkle.Media.Rtp;
using Sparkle.Media.Sdp;
using Sparkle.Media.Srtp;
using Sparkle.Media.Transport;

namespace Sparkle.Media.WebRtc;

/// <summary>What a bundle saw that it did not pass on (read by logs and tests; written by the receive thread).</summary>
public sealed class WebRtcBundleCounters
{
    public long StunAnswered;
    public long StunDropped;
    /// <summary>DTLS from an address that never passed an ICE check.</summary>
    public long DtlsFromUnverified;
    /// <summary>RTP or RTCP before the DTLS handshake gave keys.</summary>
    public long MediaBeforeKeys;
    public long UnknownPayloadType;
    /// <summary>SRTCP that no key of this leg authenticates.</summary>
    public long RtcpRefused;
    public long Garbage;
}

/// <summary>One WebRTC leg's port: ICE-lite, DTLS-SRTP, and the leg's audio and video RTP and RTCP on one UDP
/// socket (BUNDLE with rtcp-mux, RFC 8843 and RFC 5761). Each datagram is told apart by its first byte (RFC 7983):
/// STUN goes to the <see cref="IceLiteAgent"/>, DTLS (only from an address that passed a check) to the
/// <see cref="DtlsSrtpServer"/>, and once the handshake gave keys, RTP to the audio or video transport by payload
/// type and RTCP, unprotected here, to the transport it concerns. The transports are the SIP legs' own
/// (<see cref="AudioLegTransport"/>, <see cref="VideoLegTransport"/>): jitter, SRTP of RTP, codecs, feedback and
/// the mixer are shared; only the port and the keys' origin differ. Nothing received throws out of
/// <see cref="OnDatagram"/>, and media packets allocate nothing.</summary>
public sealed class WebRtcBundle : IAsyncDisposable, UdpReceiveLoop.IHandler
{
    private const int MaxVerifiedAddresses = 4;
    private const int MaxRtcpSources = 8;

    private readonly RtpSocketPair _sockets;
    private readonly IceLiteAgent _ice;
    private readonly DtlsSrtpServer _dtls;
    private readonly UdpReceiveLoop.IHandler _audio;
    private readonly UdpReceiveLoop.IHandler? _video;
    private readonly int _audioPayloadType;
    private readonly int _telephoneEventPayloadType;
    private readonly int _videoPayloadType;
    private readonly uint[] _audioSources;
    private readonly uint[] _videoSources;
    private readonly byte[] _stunResponse = new byte[548];
    private readonly SocketAddress?[] _verified = new SocketAddress?[MaxVerifiedAddresses];
    private readonly TaskCompletionSource _checked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    // Receive thread only: one SRTCP context per sending SSRC (each has its own SRTCP index, RFC 3711 §3.4).
    private readonly uint[] _rtcpSourceSsrcs = new uint[MaxRtcpSources];
    private readonly SrtpContext?[] _rtcpContexts = new SrtpContext?[MaxRtcpSources];
    private SrtpContext? _spareRtcpContext;
    private int _rtcpSources;
    private SrtpKeys? _keys;
    private volatile bool _keyed;
    private volatile SocketAddress? _dtlsPeer;
    private volatile uint _learnedVideoSsrc;
    private UdpReceiveLoop? _loop;
    private ulong _loopToken;
    private Task _receiveTask = Task.CompletedTask;
    private int _stopped;

    /// <param name="sockets">The leg's own port (its RTP socket carries everything; the bundle disposes it).</param>
    /// <param name="answer">What the answer settled: payload types for demultiplexing, the browser's SSRCs.</param>
    public WebRtcBundle(RtpSocketPair sockets, IceLiteAgent ice, DtlsCertificate certificate, string remoteFingerprintAlgorithm,
        string remoteFingerprint, AudioLegTransport audio, VideoLegTransport? video, WebRtcAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        _sockets = sockets;
        _ice = ice;
        _audio = audio;
        _video = video;
        _audioPayloadType = answer.Audio?.PayloadType ?? -1;
        _telephoneEventPayloadType = answer.Audio?.TelephoneEventPayloadType ?? -1;
        _videoPayloadType = video is null ? -1 : answer.Video?.PayloadType ?? -1;
        _audioSources = [.. answer.RemoteAudioSsrcs];
        _videoSources = [.. answer.RemoteVideoSsrcs];
        _dtls = new DtlsSrtpServer(certificate, remoteFingerprintAlgorithm, remoteFingerprint, SendDtls);
        _dtls.Closed += () => Closed?.Invoke();
    }

    public WebRtcBundleCounters Counters { get; } = new();
    public IceLiteCounters IceCounters => _ice.Counters;
    public int Port => _sockets.Port;

    /// <summary>The browser closed the DTLS association (it left, or the tab went away cleanly).</summary>
    public event Action? Closed;

    /// <summary>Where media goes: the pair the browser nominated, else the last address that passed a check.</summary>
    public IPEndPoint? RemoteEndPoint
    {
        get
        {
            var address = _ice.Selected ?? _dtlsPeer;
            if (address is null)
            {
                return null;
            }
            var template = new IPEndPoint(address.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            return (IPEndPoint)template.Create(address);
        }
    }

    public void Start()
    {
        if (UdpReceiveLoop.Shared is { } loop)
        {
            _loop = loop;
            _loopToken = loop.Add(_sockets.Rtp, this, rtcpSocket: false);
            return;
        }
        _receiveTask = Task.Run(() => RtpIngress.ReceiveLoopAsync(_sockets.Rtp, rtcpSocket: false, this, _stop.Token));
    }

    /// <summary>ICE, then DTLS: the keys once the browser checked connectivity and completed the handshake.
    /// Throws <see cref="DtlsFailedException"/> (or <see cref="TimeoutException"/> when no valid check came).</summary>
    public async Task<SrtpKeys> ConnectAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _checked.Task.WaitAsync(timeout, linked.Token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no valid ICE connectivity check within {timeout.TotalSeconds:0} s");
        }
        var left = timeout - Stopwatch.GetElapsedTime(started);
        var keys = await _dtls.HandshakeAsync(left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), linked.Token).ConfigureAwait(false);
        return keys;
    }

    /// <summary>The transports have their SRTP keys: media may pass from now on.</summary>
    public void Secure(SrtpKeys keys)
    {
        _keys = keys;
        _spareRtcpContext = SrtpContext.FromKeyMaterial(keys.Suite, keys.RemoteKeyMaterial);
        _keyed = true;
    }

    void UdpReceiveLoop.IHandler.OnDatagram(Span<byte> packet, SocketAddress from, bool rtcpSocket) => OnDatagram(packet, from);

    /// <summary>One datagram on the leg's port (receive thread).</summary>
    public void OnDatagram(Span<byte> packet, SocketAddress from)
    {
        try
        {
            if (packet.IsEmpty)
            {
                Counters.Garbage++;
                return;
            }
            var first = packet[0];
            if (first <= 3)
            {
                HandleStun(packet, from);
            }
            else if (first is >= 20 and <= 63)
            {
                if (IsVerified(from))
                {
                    _dtlsPeer = _dtlsPeer is { } peer && peer.Equals(from) ? peer : Copy(from);
                    _dtls.OnDatagram(packet);
                }
                else
                {
                    Counters.DtlsFromUnverified++;
                }
            }
            else if (first is >= 128 and <= 191)
            {
                HandleMedia(packet, from);
            }
            else
            {
                Counters.Garbage++;
            }
        }
        catch (Exception)
        {
            // Malformed input must never end the receive thread; the transports keep their own error counts.
            Counters.Garbage++;
        }
    }

    private void HandleStun(Span<byte> packet, SocketAddress from)
    {
        var outcome = _ice.Handle(packet, from, _stunResponse, out var length);
        if (outcome == StunOutcome.Dropped)
        {
            Counters.StunDropped++;
            return;
        }
        Counters.StunAnswered++;
        Remember(from);
        if (length > 0)
        {
            Send(_stunResponse.AsSpan(0, length), from);
        }
        _checked.TrySetResult();
    }

    private void HandleMedia(Span<byte> packet, SocketAddress from)
    {
        if (!_keyed)
        {
            Counters.MediaBeforeKeys++;
            return;
        }
        switch (RtpDemux.Classify(packet))
        {
            case PacketKind.Rtp:
                var payloadType = packet[1] & 0x7F;
                if (payloadType == _audioPayloadType || payloadType == _telephoneEventPayloadType)
                {
                    _audio.OnDatagram(packet, from, rtcpSocket: false);
                }
                else if (payloadType == _videoPayloadType && _video is not null)
                {
                    _learnedVideoSsrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
                    _video.OnDatagram(packet, from, rtcpSocket: false);
                }
                else
                {
                    Counters.UnknownPayloadType++;
                }
                break;
            case PacketKind.Rtcp:
                HandleRtcp(packet, from);
                break;
            default:
                Counters.Garbage++;
                break;
        }
    }

    private void HandleRtcp(Span<byte> packet, SocketAddress from)
    {
        var sender = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        var slot = Array.IndexOf(_rtcpSourceSsrcs, sender, 0, _rtcpSources);
        // A new sender tries the spare context, and keeps it only if its packet authenticates: packets with
        // made-up SSRCs cannot use up the slots.
        var context = slot >= 0 ? _rtcpContexts[slot] : _rtcpSources < MaxRtcpSources ? _spareRtcpContext : null;
        if (context is null || context.UnprotectRtcp(packet, out var length) != SrtpStatus.Ok)
        {
            Counters.RtcpRefused++;
            return;
        }
        if (slot < 0)
        {
            Adopt(sender);
        }
        var plain = packet[..length];
        // A compound from a stream we know goes to its transport; one from elsewhere (a receive-only browser reports
        // from SSRC 1) may concern both, and each transport reads only what names its own SSRC.
        var isVideo = _video is not null && (sender == _learnedVideoSsrc || Array.IndexOf(_videoSources, sender) >= 0);
        var isAudio = !isVideo && Array.IndexOf(_audioSources, sender) >= 0;
        if (!isVideo)
        {
            _audio.OnDatagram(plain, from, rtcpSocket: false);
        }
        if (!isAudio && _video is not null)
        {
            _video.OnDatagram(plain, from, rtcpSocket: false);
        }
    }

    // A new sending SSRC (rare: a browser has one or two): the spare context becomes its own.
    private void Adopt(uint sender)
    {
        _rtcpContexts[_rtcpSources] = _spareRtcpContext;
        _rtcpSourceSsrcs[_rtcpSources] = sender;
        _rtcpSources++;
        _spareRtcpContext = _rtcpSources < MaxRtcpSources && _keys is { } keys
            ? SrtpContext.FromKeyMaterial(keys.Suite, keys.RemoteKeyMaterial)
            : null;
    }

    private void Remember(SocketAddress from)
    {
        if (IsVerified(from))
        {
            return;
        }
        // Oldest out: the browser checks a handful of its candidates at most.
        Array.Copy(_verified, 0, _verified, 1, MaxVerifiedAddresses - 1);
        Volatile.Write(ref _verified[0], Copy(from));
    }

    private bool IsVerified(SocketAddress from)
    {
        for (var i = 0; i < MaxVerifiedAddresses; i++)
        {
            if (Volatile.Read(ref _verified[i]) is { } known && known.Equals(from))
            {
                return true;
            }
        }
        return false;
    }

    private void SendDtls(ReadOnlyMemory<byte> datagram)
    {
        if (_dtlsPeer is { } peer)
        {
            Send(datagram.Span, peer);
        }
    }

    private void Send(ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        try
        {
            _sockets.Rtp.SendTo(datagram, SocketFlags.None, to);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static SocketAddress Copy(SocketAddress from)
    {
        var copy = new SocketAddress(from.Family, from.Size);
        from.Buffer.Span.CopyTo(copy.Buffer.Span);
        return copy;
    }

    /// <summary>Stops receiving: once this returns no packet reaches the transports (dispose them next).</summary>
    public void StopReceiving()
    {
        if (_loop is { } loop)
        {
            loop.Remove(_sockets.Rtp, _loopToken);
            _loop = null;
        }
        _stop.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        StopReceiving();
        // close_notify first, while the socket is open: the browser learns at once that the leg is gone (removed by a
        // chair, the meeting ended) rather than when its consent checks time out.
        _dtls.Dispose();
        _sockets.Dispose();
        await _receiveTask.ConfigureAwait(false);
        _stop.Dispose();
        _spareRtcpContext?.Dispose();
        foreach (var context in _rtcpContexts)
        {
            context?.Dispose();
        }
    }
}
