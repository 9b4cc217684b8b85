using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sparkle.Media.Jitter;
using Sparkle.Media.Rtp;
using Sparkle.Media.Sdp;

namespace Sparkle.Media.Transport;

/// <summary>The network side of one video leg, on its own port pair beside the audio leg: UDP sockets,
/// SRTP, symmetric RTP, receive statistics, RTCP reports and feedback. Received packets wait in
/// <see cref="Incoming"/> (in sequence order) for the meeting's video thread; lost ones are NACKed when
/// the peer does NACK. What the leg sees comes from a shared stream (<see cref="IVideoSendSource"/>):
/// <see cref="SendPacket"/> maps the stream's packet index to this leg's own sequence numbers, so
/// retransmissions and key frame requests find their way back to the shared encode. Nothing received can
/// throw out of the receive loops; nothing on either path allocates per packet.</summary>
public sealed partial class VideoLegTransport : IAsyncDisposable, UdpReceiveLoop.IHandler, IRtpLegReceiver<VideoLegSettings>
{
    private readonly RtpSocketPair _sockets;
    private readonly IVideoLegObserver _observer;
    private readonly CancellationTokenSource _stop = new();
    // A monitor, not Lock: waiting on it allocates nothing (media-workers/ARCHITECTURE.md, "Locks").
    private readonly object _sendLock = new();
    private readonly byte[] _sendBuffer = new byte[1600];
    private readonly RemoteLatch _remote = new();
    private readonly List<VideoLegSettings> _retired = [];
    private readonly uint _timestampOffset = (uint)Random.Shared.NextInt64(0, 1L << 32);
    private volatile VideoLegSettings? _settings;
    private RtpReceiverStats _stats = new(MediaClock.VideoClockRate);
    private int _disposed;
    private long _lastRtpTimestamp = Stopwatch.GetTimestamp();
    private Task _rtpLoop = Task.CompletedTask;
    private Task _rtcpLoop = Task.CompletedTask;

    // The send mapping, under the send lock: sequence = offset + shared index.
    private IVideoSendSource? _source;
    private ushort _sequenceOffset = (ushort)Random.Shared.Next(0, 0x10000);
    private ushort _lastSequence;
    private bool _sentAny;
    private uint _packetCount;
    private uint _octetCount;

    public VideoLegTransport(string participantId, RtpSocketPair sockets, uint ssrc, IVideoLegObserver observer)
    {
        ParticipantId = participantId;
        _sockets = sockets;
        _observer = observer;
        Ssrc = ssrc;
    }

    public string ParticipantId { get; }
    public int LocalPort => _sockets.Port;
    public uint Ssrc { get; }
    public VideoLegCounters Counters { get; } = new();
    public RtpReceiverStats ReceiveStats => _stats;
    public NegotiatedVideo? Video => _settings?.Video;

    /// <summary>What the peer sends, in sequence order, for the meeting's video thread.</summary>
    public VideoReorderBuffer Incoming { get; } = new();

    /// <summary>How long the video thread waits for a missing packet: long enough for a NACKed one to
    /// come back when the peer retransmits, else not at all (reordering within a frame tick is free).</summary>
    public TimeSpan GapWait => (_settings?.Video.Feedback & VideoFeedbackTypes.Nack) != 0 ? TimeSpan.FromMilliseconds(120) : TimeSpan.Zero;

    /// <summary>The bitrate the peer last asked us to stay under (TMMBR) or estimated (REMB), bit/s; 0 unknown.</summary>
    public long RemoteBitrateLimit => Interlocked.Read(ref _remoteBitrateLimit);

    /// <summary>The last reception report the peer sent about our stream.</summary>
    public RtcpReportBlock? RemoteReport { get; private set; }

    /// <summary>The last unexpected exception on the receive path (there should be none).</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Time since the last valid RTP or RTCP packet.</summary>
    public TimeSpan SinceLastPacket => _remote.SinceLastPacket;

    /// <summary>Time since the last video packet we took from the peer (since the start when none came yet).</summary>
    public TimeSpan SinceLastRtp => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastRtpTimestamp));

    /// <summary>Takes a (re)negotiated description: codec, payload type, keys, feedback, remote addresses.</summary>
    public void Apply(NegotiatedVideo video)
    {
        var settings = new VideoLegSettings(video);
        var previous = _settings;
        if (previous is not null && (previous.Video.Codec != video.Codec || previous.Video.PayloadType != video.PayloadType))
        {
            Incoming.Reset();
        }
        _remote.Reset(settings.SignalledRtp, settings.SignalledRtcp);
        _settings = settings;
        if (previous is not null)
        {
            // The receive loops may still hold the old contexts for a packet; dispose them with the leg.
            lock (_retired)
            {
                _retired.Add(previous);
            }
        }
    }

    public void Start()
    {
        if (_sockets.ReceivedElsewhere)
        {
            return; // a WebRTC bundle receives and hands us our packets
        }
        _rtpLoop = Task.Run(() => RtpIngress.ReceiveLoopAsync(_sockets.Rtp, rtcpSocket: false, this, _stop.Token));
        _rtcpLoop = Task.Run(() => RtpIngress.ReceiveLoopAsync(_sockets.Rtcp, rtcpSocket: true, this, _stop.Token));
    }

    /// <summary>Makes this leg a receiver of a shared stream (or of none). The sequence numbers go on
    /// from the last one sent, so a move between streams looks like one stream to the peer.</summary>
    public void AttachSource(IVideoSendSource? source, uint nextIndex)
    {
        lock (_sendLock)
        {
            if (_sentAny)
            {
                _sequenceOffset = (ushort)(_lastSequence + 1 - nextIndex);
            }
            else
            {
                _sequenceOffset = (ushort)(_sequenceOffset - nextIndex);
            }
            _source = source;
        }
    }

    /// <summary>Sends one packet of the shared stream (the meeting's video thread).</summary>
    /// <param name="index">The stream's packet number; our sequence number is derived from it.</param>
    /// <param name="timestamp">The frame's time on <see cref="MediaClock.Video90k"/>.</param>
    public void SendPacket(ReadOnlySpan<byte> payload, bool marker, uint index, uint timestamp)
    {
        var remote = _remote.Rtp;
        lock (_sendLock)
        {
            var settings = _settings;
            if (settings is null || remote is null || !settings.Video.Direction.Sends())
            {
                return;
            }
            if (payload.Length > _sendBuffer.Length - 64)
            {
                Counters.SendErrors++;
                return;
            }
            var sequence = (ushort)(_sequenceOffset + index);
            payload.CopyTo(_sendBuffer.AsSpan(RtpHeader.MinLength));
            if (Send(settings, remote, payload.Length, marker, sequence, _timestampOffset + timestamp))
            {
                _lastSequence = sequence;
                _sentAny = true;
                _packetCount++;
                _octetCount += (uint)payload.Length;
            }
        }
    }

    /// <summary>Resends packets the peer NACKed, from the shared stream's history (RTCP receive thread).</summary>
    private void Retransmit(ReadOnlySpan<ushort> sequences)
    {
        var remote = _remote.Rtp;
        lock (_sendLock)
        {
            var settings = _settings;
            if (settings is null || remote is null || !settings.Video.Direction.Sends() || _source is not { } source)
            {
                return;
            }
            foreach (var sequence in sequences)
            {
                var index16 = (ushort)(sequence - _sequenceOffset);
                if ((short)(sequence - _lastSequence) > 0
                    || !source.TryGetPacket(index16, _sendBuffer.AsSpan(RtpHeader.MinLength, _sendBuffer.Length - 64), out var length, out var marker, out var timestamp))
                {
                    continue; // never sent to this leg, or too old
                }
                if (Send(settings, remote, length, marker, sequence, _timestampOffset + timestamp))
                {
                    Counters.Retransmitted++;
                }
            }
        }
    }

    // Under the send lock: the payload is already at _sendBuffer[12..].
    private bool Send(VideoLegSettings settings, SocketAddress remote, int payloadLength, bool marker, ushort sequence, uint timestamp)
    {
        RtpHeader.Write(_sendBuffer, marker, settings.Video.PayloadType, sequence, timestamp, Ssrc);
        var length = RtpHeader.MinLength + payloadLength;
        if (settings.Send is { } srtp && srtp.ProtectRtp(_sendBuffer, length, out length) != Srtp.SrtpStatus.Ok)
        {
            Counters.SendErrors++;
            return false;
        }
        try
        {
            _sockets.Rtp.SendTo(_sendBuffer.AsSpan(0, length), SocketFlags.None, remote);
            Counters.RtpSent++;
            return true;
        }
        catch (SocketException)
        {
            Counters.SendErrors++;
        }
        catch (ObjectDisposedException)
        {
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (_rtpLoop != Task.CompletedTask)
        {
            SendGoodbye();
        }
        await _stop.CancelAsync();
        _sockets.Dispose();
        await Task.WhenAll(_rtpLoop, _rtcpLoop).ConfigureAwait(false);
        _stop.Dispose();
        lock (_sendLock)
        {
            _source = null;
            _settings?.Dispose();
            _settings = null;
        }
        lock (_retired)
        {
            foreach (var settings in _retired)
            {
                settings.Dispose();
            }
            _retired.Clear();
        }
    }
}
