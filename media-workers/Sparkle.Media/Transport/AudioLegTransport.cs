using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sparkle.Media.Codecs;
using Sparkle.Media.Mixing;
using Sparkle.Media.Rtp;
using Sparkle.Media.Sdp;

namespace Sparkle.Media.Transport;

/// <summary>The network side of one audio leg: its RTP/RTCP sockets, SRTP, symmetric RTP, receive
/// statistics and RTCP reports. Received audio goes to the attached <see cref="MixerLeg"/>; the mixer's
/// frames come back through <see cref="SendFrame"/>. Anything that is not valid media for this leg is
/// counted and dropped; nothing received can throw out of the receive loops.</summary>
public sealed partial class AudioLegTransport : IMixerLegSink, IAsyncDisposable, UdpReceiveLoop.IHandler, IRtpLegReceiver<LegSettings>
{
    private const int ComfortNoisePayloadType = 13;

    private readonly RtpSocketPair _sockets;
    private readonly IAudioLegObserver _observer;
    private readonly CancellationTokenSource _stop = new();
    // A monitor, not Lock: waiting on it allocates nothing (media-workers/ARCHITECTURE.md, "Locks").
    private readonly object _sendLock = new();
    private readonly byte[] _sendBuffer = new byte[1600];
    private readonly RtpSequencer _sequencer;
    private readonly TelephoneEventReceiver _dtmf = new();
    private readonly List<LegSettings> _retired = [];
    private volatile LegSettings? _settings;
    private volatile MixerLeg? _leg;
    private readonly RemoteLatch _remote = new();
    private RtpReceiverStats _stats = new(8000);
    private bool _sentMarker;
    private int _disposed;
    private Task _rtpLoop = Task.CompletedTask;
    private Task _rtcpLoop = Task.CompletedTask;
    private UdpReceiveLoop? _receiveLoop;
    private ulong _rtpToken;
    private ulong _rtcpToken;
    private bool _started;

    public AudioLegTransport(string participantId, RtpSocketPair sockets, uint ssrc, IAudioLegObserver observer)
    {
        ParticipantId = participantId;
        _sockets = sockets;
        _observer = observer;
        _sequencer = new RtpSequencer(ssrc, 8000);
    }

    public string ParticipantId { get; }
    public int LocalPort => _sockets.Port;
    public uint Ssrc => _sequencer.Ssrc;
    public AudioLegCounters Counters { get; } = new();
    public RtpReceiverStats ReceiveStats => _stats;
    public NegotiatedAudio? Audio => _settings?.Audio;

    /// <summary>The last reception report the peer sent about our stream (their view of loss and jitter).</summary>
    public RtcpReportBlock? RemoteReport { get; private set; }

    /// <summary>The last unexpected exception on the receive path (there should be none).</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Time since the last valid RTP or RTCP packet.</summary>
    public TimeSpan SinceLastPacket => _remote.SinceLastPacket;

    /// <summary>Takes a (re)negotiated description: codec, payload types, keys, remote addresses.</summary>
    public void Apply(NegotiatedAudio audio)
    {
        var settings = new LegSettings(audio);
        var previous = _settings;
        if (previous is null || previous.Audio.Codec.RtpClockRate() != audio.Codec.RtpClockRate())
        {
            _stats = new RtpReceiverStats(audio.Codec.RtpClockRate());
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

    /// <summary>Where received audio goes (null while not in a mix).</summary>
    public void Attach(MixerLeg? leg) => _leg = leg;

    public void Start()
    {
        _started = true;
        if (_sockets.ReceivedElsewhere)
        {
            return; // a WebRTC bundle receives and hands us our packets
        }
        // One receive thread for all legs where we can (see UdpReceiveLoop), else an async loop per socket.
        if (UdpReceiveLoop.Shared is { } loop)
        {
            _receiveLoop = loop;
            _rtpToken = loop.Add(_sockets.Rtp, this, rtcpSocket: false);
            _rtcpToken = loop.Add(_sockets.Rtcp, this, rtcpSocket: true);
            return;
        }
        _rtpLoop = Task.Run(() => RtpIngress.ReceiveLoopAsync(_sockets.Rtp, rtcpSocket: false, this, _stop.Token));
        _rtcpLoop = Task.Run(() => RtpIngress.ReceiveLoopAsync(_sockets.Rtcp, rtcpSocket: true, this, _stop.Token));
    }

    /// <summary>Packetizes, protects and sends one mixer frame (mixer thread).</summary>
    public void SendFrame(ReadOnlySpan<byte> payload, uint rtpTicks)
    {
        var settings = _settings;
        var remote = _remote.Rtp;
        lock (_sendLock)
        {
            if (settings is null || remote is null || payload.IsEmpty || !settings.Audio.Direction.Sends()
                || payload.Length > _sendBuffer.Length - 64)
            {
                _sequencer.Skip(rtpTicks);
                _sentMarker = false;
                return;
            }
            var header = _sequencer.WriteNext(_sendBuffer, settings.Audio.PayloadType, marker: !_sentMarker, payload.Length, rtpTicks);
            _sentMarker = true;
            payload.CopyTo(_sendBuffer.AsSpan(header));
            var length = header + payload.Length;
            if (settings.Send is { } srtp && srtp.ProtectRtp(_sendBuffer, length, out length) != Srtp.SrtpStatus.Ok)
            {
                Counters.SendErrors++;
                return;
            }
            try
            {
                _sockets.Rtp.SendTo(_sendBuffer.AsSpan(0, length), SocketFlags.None, remote);
                Counters.RtpSent++;
            }
            catch (SocketException)
            {
                Counters.SendErrors++;
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (_started)
        {
            SendGoodbye();
        }
        if (_receiveLoop is { } loop)
        {
            // Returns once no receive for this leg runs: its SRTP contexts can then be disposed.
            loop.Remove(_sockets.Rtp, _rtpToken);
            loop.Remove(_sockets.Rtcp, _rtcpToken);
        }
        await _stop.CancelAsync();
        _sockets.Dispose();
        await Task.WhenAll(_rtpLoop, _rtcpLoop).ConfigureAwait(false);
        _stop.Dispose();
        lock (_sendLock)
        {
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
