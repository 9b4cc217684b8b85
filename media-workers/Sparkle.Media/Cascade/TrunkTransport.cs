using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Sparkle.Media.Mixing;
using Sparkle.Media.Rtp;
using Sparkle.Media.Srtp;
using Sparkle.Media.Transport;

namespace Sparkle.Media.Cascade;

/// <summary>One worker's end of a cascade trunk for one meeting: one UDP socket carrying SRTP (RTP and, muxed,
/// SRTCP; AES_CM_128_HMAC_SHA1_80) to and from the peer worker's end. To the mixer it is one more leg
/// (<see cref="IMixerTrunkSink"/>): what it receives is mixed as a participant's audio, and it sends the mix this worker
/// makes for it, Opus at 48 kHz, with the participants in it as CSRCs (RFC 3550 §5.1) and their levels (RFC 6465).
/// Its RTCP names those CSRCs (<see cref="TrunkSourceNames"/>). Packets that are not authenticated SRTP from the peer
/// are counted and dropped; nothing received can throw out of the receive loop; nothing is allocated per packet
/// (only when a new participant starts speaking on either side).</summary>
public sealed class TrunkTransport : IMixerTrunkSink, UdpReceiveLoop.IHandler, IAsyncDisposable
{
    public const byte PayloadType = 111;
    /// <summary>The RFC 8285 one-byte header extension id of the RFC 6465 levels.</summary>
    public const byte LevelExtensionId = 1;
    /// <summary>A source unused this long is no longer named in SDES.</summary>
    private static readonly long s_nameFor = Stopwatch.Frequency * 10;
    private const int MaxNamedSources = 4096;

    private readonly RtpSocketPair _sockets;
    private readonly byte[] _sendKey;
    private readonly SrtpContext _send;
    private readonly RtpSequencer _sequencer;
    // A monitor, not Lock: waiting on it allocates nothing (media-workers/ARCHITECTURE.md, "Locks").
    private readonly object _sendLock = new();
    private readonly byte[] _sendBuffer = new byte[1600];
    private readonly byte[] _rtcpBuffer = new byte[1500];
    private readonly Dictionary<string, SentSource> _sentSources = new(StringComparer.Ordinal);
    private readonly List<SentSource> _unnamed = [];
    private readonly Dictionary<uint, NamedSource> _receivedNames = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly string[] _scratch = new string[MixContributors.Max];
    private volatile Peer? _peer;
    private volatile MixerLeg? _leg;
    private long _lastReceived;
    private uint _packetsAtLastReport;
    private UdpReceiveLoop? _receiveLoop;
    private ulong _token;
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    public TrunkTransport(RtpSocketPair sockets)
    {
        _sockets = sockets;
        _sendKey = RandomNumberGenerator.GetBytes(SrtpSuites.MasterKeyLength + SrtpSuites.MasterSaltLength);
        _send = SrtpContext.FromKeyMaterial(SrtpSuite.AesCm128HmacSha1_80, _sendKey);
        Span<byte> ssrc = stackalloc byte[4];
        RandomNumberGenerator.Fill(ssrc);
        _sequencer = new RtpSequencer(Math.Max(1u, BinaryPrimitives.ReadUInt32BigEndian(ssrc)), 48000);
    }

    public int LocalPort => _sockets.Port;
    public uint Ssrc => _sequencer.Ssrc;
    public TrunkCounters Counters { get; } = new();

    /// <summary>The SRTP master key and salt of what this end sends (30 bytes): the peer receives with it.</summary>
    public ReadOnlySpan<byte> SendKey => _sendKey;

    public bool Connected => _peer is not null;

    /// <summary>Time since the last authenticated packet from the peer (forever when none came).</summary>
    public TimeSpan SinceLastPacket
    {
        get
        {
            var last = Interlocked.Read(ref _lastReceived);
            return last == 0 ? TimeSpan.MaxValue : Stopwatch.GetElapsedTime(last);
        }
    }

    /// <summary>Where received audio goes (the trunk's mixer leg), null to stop.</summary>
    public void Attach(MixerLeg? leg) => _leg = leg;

    /// <summary>Points this end at the peer's: its address and the key of what it sends. Media flows from now on;
    /// connecting again replaces the peer (its stream starts afresh).</summary>
    public void Connect(IPEndPoint peer, ReadOnlySpan<byte> peerSendKey)
    {
        var previous = _peer;
        _peer = new Peer(peer.Serialize(), SrtpContext.FromKeyMaterial(SrtpSuite.AesCm128HmacSha1_80, peerSendKey));
        lock (_sendLock)
        {
            // The new peer has heard none of our names.
            _unnamed.Clear();
            _unnamed.AddRange(_sentSources.Values);
        }
        // The receive thread may hold the old context for a packet: retire it with the transport.
        previous?.RetireWith(this);
    }

    public void Start()
    {
        if (UdpReceiveLoop.Shared is { } loop)
        {
            _receiveLoop = loop;
            _token = loop.Add(_sockets.Rtp, this, rtcpSocket: false);
            return;
        }
        _loop = Task.Run(() => RtpIngress.ReceiveLoopAsync(_sockets.Rtp, rtcpSocket: false, this, _stop.Token));
    }

    void IMixerLegSink.SendFrame(ReadOnlySpan<byte> payload, uint rtpTicks) => SendMix(payload, rtpTicks, s_nobody);

    private static readonly MixContributors s_nobody = new();

    /// <summary>Packetizes one mixer frame with its contributors, protects it and sends it (mixer thread).</summary>
    public void SendMix(ReadOnlySpan<byte> payload, uint rtpTicks, MixContributors contributors)
    {
        var peer = _peer;
        lock (_sendLock)
        {
            if (peer is null || payload.IsEmpty || payload.Length > 1200)
            {
                _sequencer.Skip(rtpTicks);
                return;
            }
            var now = Stopwatch.GetTimestamp();
            Span<uint> csrcs = stackalloc uint[MixContributors.Max];
            Span<byte> levels = stackalloc byte[MixContributors.Max];
            var count = 0;
            for (var i = 0; i < contributors.Count; i++)
            {
                if (SourceFor(contributors.Ids[i], now) is var csrc and not 0)
                {
                    csrcs[count] = csrc;
                    levels[count++] = contributors.Levels[i];
                }
            }
            var header = _sequencer.WriteNext(_sendBuffer, PayloadType, marker: false, payload.Length, rtpTicks);
            _sendBuffer[0] = (byte)(0x80 | (count > 0 ? 0x10 : 0) | count);
            for (var i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(_sendBuffer.AsSpan(header), csrcs[i]);
                header += 4;
            }
            if (count > 0)
            {
                header += WriteLevels(_sendBuffer.AsSpan(header), levels[..count]);
            }
            payload.CopyTo(_sendBuffer.AsSpan(header));
            var length = header + payload.Length;
            if (_send.ProtectRtp(_sendBuffer, length, out length) != SrtpStatus.Ok)
            {
                Counters.SendErrors++;
                return;
            }
            if (Send(_sendBuffer.AsSpan(0, length), peer))
            {
                Counters.RtpSent++;
            }
            if (_unnamed.Count > 0)
            {
                // A new speaker: name it at once rather than at the next report.
                SendReport(peer, now);
            }
        }
    }

    /// <summary>An RTCP report with the names of the sources used lately; call about once a second.</summary>
    public void Housekeeping()
    {
        if (_peer is not { } peer)
        {
            return;
        }
        lock (_sendLock)
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var source in _sentSources.Values)
            {
                if (now - source.LastUsed < s_nameFor && !_unnamed.Contains(source))
                {
                    _unnamed.Add(source);
                }
            }
            SendReport(peer, now);
        }
    }

    /// <summary>One compound: SR (or RR when nothing was sent), then SDES naming what <see cref="_unnamed"/> holds,
    /// as many as fit; the rest in further compounds (under the send lock).</summary>
    private void SendReport(Peer peer, long now)
    {
        do
        {
            var buffer = _rtcpBuffer.AsSpan();
            int length;
            if (_sequencer.PacketCount != _packetsAtLastReport)
            {
                var info = new RtcpSenderInfo(RtcpWriter.ToNtp(DateTime.UtcNow), _sequencer.Timestamp, _sequencer.PacketCount, _sequencer.OctetCount);
                length = RtcpWriter.WriteSenderReport(buffer, _sequencer.Ssrc, info, []);
            }
            else
            {
                length = RtcpWriter.WriteReceiverReport(buffer, _sequencer.Ssrc, []);
            }
            _packetsAtLastReport = _sequencer.PacketCount;
            var start = length;
            length += TrunkSourceNames.Begin(buffer[start..], _sequencer.Ssrc);
            var chunks = 1;
            var room = buffer.Length - SrtpContext.RtcpOverhead;
            while (_unnamed.Count > 0 && chunks < 31)
            {
                var source = _unnamed[^1];
                if (length + TrunkSourceNames.ChunkLength(source.Utf8.Length) > room)
                {
                    break;
                }
                length = TrunkSourceNames.AddSource(buffer, length, source.Csrc, source.Utf8);
                chunks++;
                _unnamed.RemoveAt(_unnamed.Count - 1);
            }
            TrunkSourceNames.Finish(buffer[start..], length - start, chunks);
            if (_send.ProtectRtcp(_rtcpBuffer, length, out length) != SrtpStatus.Ok)
            {
                Counters.SendErrors++;
                return;
            }
            if (Send(_rtcpBuffer.AsSpan(0, length), peer))
            {
                Counters.RtcpSent++;
                Counters.NamesSent += chunks - 1;
            }
        }
        while (_unnamed.Count > 0);
    }

    private bool Send(ReadOnlySpan<byte> datagram, Peer peer)
    {
        try
        {
            _sockets.Rtp.SendTo(datagram, SocketFlags.None, peer.Address);
            return true;
        }
        catch (SocketException)
        {
            Counters.SendErrors++; // e.g. ICMP port unreachable from a peer that went away: we keep mixing
        }
        catch (ObjectDisposedException)
        {
        }
        return false;
    }

    /// <summary>This participant's CSRC on this trunk, made on first use (under the send lock).</summary>
    private uint SourceFor(string participantId, long now)
    {
        if (!_sentSources.TryGetValue(participantId, out var source))
        {
            if (TrunkSourceNames.Encode(participantId) is not { } utf8)
            {
                return 0;
            }
            uint csrc;
            do
            {
                csrc = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
            }
            while (csrc == _sequencer.Ssrc);
            source = new SentSource(csrc, utf8);
            _sentSources[participantId] = source;
            _unnamed.Add(source);
        }
        source.LastUsed = now;
        return source.Csrc;
    }

    /// <summary>RFC 8285 one-byte extension holding the RFC 6465 levels, one byte per CSRC in order.</summary>
    private static int WriteLevels(Span<byte> destination, ReadOnlySpan<byte> levels)
    {
        var elements = 1 + levels.Length;
        var words = (elements + 3) / 4;
        BinaryPrimitives.WriteUInt16BigEndian(destination, 0xBEDE);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)words);
        destination[4] = (byte)((LevelExtensionId << 4) | (levels.Length - 1));
        levels.CopyTo(destination[5..]);
        destination[(5 + levels.Length)..(4 + 4 * words)].Clear();
        return 4 + 4 * words;
    }

    void UdpReceiveLoop.IHandler.OnDatagram(Span<byte> packet, SocketAddress from, bool rtcpSocket)
    {
        try
        {
            if (_peer is not { } peer)
            {
                Counters.BeforeConnect++;
                return;
            }
            var kind = RtpDemux.Classify(packet);
            if (kind == PacketKind.Rtp)
            {
                ReceiveRtp(peer, packet);
            }
            else if (kind == PacketKind.Rtcp)
            {
                ReceiveRtcp(peer, packet);
            }
            else
            {
                Counters.Garbage++;
            }
        }
        catch (Exception)
        {
            Counters.Errors++;
        }
    }

    private void ReceiveRtp(Peer peer, Span<byte> packet)
    {
        var status = peer.Receive.UnprotectRtp(packet, out var length);
        if (status != SrtpStatus.Ok)
        {
            Counters.CountSrtpFailure(status);
            return;
        }
        var plain = packet[..length];
        if (!RtpHeader.TryParse(plain, out var header))
        {
            Counters.Garbage++;
            return;
        }
        if (header.PayloadType != PayloadType)
        {
            Counters.UnknownPayloadType++;
            return;
        }
        var now = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref _lastReceived, now);
        Counters.RtpReceived++;
        if (_leg is not { } leg)
        {
            return;
        }
        UpdateContributors(leg, plain, header.CsrcCount);
        leg.Receive(header.SequenceNumber, header.Timestamp, header.Payload(plain), now * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
    }

    /// <summary>The participants the peer says are in this packet, by the names its SDES gave; the leg's list is
    /// replaced only when it changes (receive thread).</summary>
    private void UpdateContributors(MixerLeg leg, ReadOnlySpan<byte> plain, int csrcCount)
    {
        var count = 0;
        for (var i = 0; i < csrcCount; i++)
        {
            var csrc = BinaryPrimitives.ReadUInt32BigEndian(plain[(RtpHeader.MinLength + 4 * i)..]);
            if (_receivedNames.TryGetValue(csrc, out var name))
            {
                _scratch[count++] = name.Id;
            }
            else
            {
                Counters.UnnamedSources++;
            }
        }
        var current = leg.Contributors;
        if (current.AsSpan().SequenceEqual(_scratch.AsSpan(0, count)))
        {
            return;
        }
        leg.Contributors = _scratch.AsSpan(0, count).ToArray();
    }

    private void ReceiveRtcp(Peer peer, Span<byte> packet)
    {
        var status = peer.Receive.UnprotectRtcp(packet, out var length);
        if (status != SrtpStatus.Ok)
        {
            Counters.CountSrtpFailure(status);
            return;
        }
        var reader = new RtcpReader(packet[..length]);
        var any = false;
        var self = this;
        while (reader.TryReadNext(out var type, out var count, out var ssrc, out var body))
        {
            any = true;
            if (type == (byte)RtcpPacketType.SourceDescription && count > 0)
            {
                TrunkSourceNames.Read(ssrc, body, count, ref self, static (ref TrunkTransport trunk, uint csrc, ReadOnlySpan<byte> id) => trunk.Name(csrc, id));
            }
        }
        if (!any || reader.Malformed)
        {
            Counters.Garbage++;
            return;
        }
        Counters.RtcpReceived++;
        Interlocked.Exchange(ref _lastReceived, Stopwatch.GetTimestamp());
    }

    /// <summary>Learns (or confirms) a source's participant; allocates only when the name is new (receive thread).</summary>
    private void Name(uint csrc, ReadOnlySpan<byte> utf8)
    {
        if (_receivedNames.TryGetValue(csrc, out var known) && known.Utf8.AsSpan().SequenceEqual(utf8))
        {
            return;
        }
        if (utf8.IsEmpty)
        {
            return;
        }
        if (_receivedNames.Count >= MaxNamedSources)
        {
            _receivedNames.Clear(); // bounded; a peer renames what it still uses every second
        }
        _receivedNames[csrc] = new NamedSource(System.Text.Encoding.UTF8.GetString(utf8), utf8.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _leg = null;
        if (_peer is { } peer)
        {
            lock (_sendLock)
            {
                var length = RtcpWriter.WriteReceiverReport(_rtcpBuffer, _sequencer.Ssrc, []);
                length += RtcpWriter.WriteGoodbye(_rtcpBuffer.AsSpan(length), _sequencer.Ssrc);
                if (_send.ProtectRtcp(_rtcpBuffer, length, out length) == SrtpStatus.Ok)
                {
                    Send(_rtcpBuffer.AsSpan(0, length), peer);
                }
            }
        }
        // Returns once no receive for this socket runs: the contexts can then go.
        _receiveLoop?.Remove(_sockets.Rtp, _token);
        await _stop.CancelAsync();
        _sockets.Dispose();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        lock (_sendLock)
        {
            _send.Dispose();
        }
        _peer?.Receive.Dispose();
        lock (_retired)
        {
            foreach (var context in _retired)
            {
                context.Dispose();
            }
            _retired.Clear();
        }
        CryptographicOperations.ZeroMemory(_sendKey);
    }

    private readonly List<SrtpContext> _retired = [];

    private sealed class Peer(SocketAddress address, SrtpContext receive)
    {
        public SocketAddress Address { get; } = address;
        /// <summary>Used by the receive thread only.</summary>
        public SrtpContext Receive { get; } = receive;

        public void RetireWith(TrunkTransport trunk)
        {
            lock (trunk._retired)
            {
                trunk._retired.Add(Receive);
            }
        }
    }

    private sealed class SentSource(uint csrc, byte[] utf8)
    {
        public uint Csrc { get; } = csrc;
        public byte[] Utf8 { get; } = utf8;
        public long LastUsed;
    }

    private sealed record NamedSource(string Id, byte[] Utf8);
}
