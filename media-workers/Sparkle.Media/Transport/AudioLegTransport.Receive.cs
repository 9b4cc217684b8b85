using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sparkle.Media.Codecs;
using Sparkle.Media.Rtp;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.Transport;

public sealed partial class AudioLegTransport
{
    /// <summary>A latched remote address may move (NAT rebinding, a new source) only after this much
    /// silence from the current one, or when the same SSRC shows up from elsewhere.</summary>
    private static readonly TimeSpan s_relatchAfter = TimeSpan.FromSeconds(2);

    private async Task ReceiveLoopAsync(Socket socket, bool rtcpSocket)
    {
        var buffer = new byte[2048];
        var from = new SocketAddress(socket.AddressFamily);
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, from, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                continue; // e.g. ICMP port unreachable surfacing on the socket
            }
            try
            {
                HandlePacket(buffer.AsSpan(0, received), from, rtcpSocket);
            }
            catch (Exception e) when (!token.IsCancellationRequested)
            {
                // Malformed input must never end the loop; a bug here is counted and kept for the logs.
                Counters.Errors++;
                LastError = e;
            }
        }
    }

    private void HandlePacket(Span<byte> packet, SocketAddress from, bool rtcpSocket)
    {
        var settings = _settings;
        if (settings is null)
        {
            Counters.Garbage++;
            return;
        }
        var kind = RtpDemux.Classify(packet);
        if (kind == PacketKind.Rtp && !rtcpSocket)
        {
            HandleRtp(settings, packet, from);
        }
        else if (kind == PacketKind.Rtcp)
        {
            HandleRtcp(settings, packet, from, rtcpSocket);
        }
        else
        {
            Counters.Garbage++;
        }
    }

    private void HandleRtp(LegSettings settings, Span<byte> packet, SocketAddress from)
    {
        var length = packet.Length;
        if (settings.ReceiveRtp is { } srtp)
        {
            var status = srtp.UnprotectRtp(packet, out length);
            if (status != SrtpStatus.Ok)
            {
                Count(status);
                return;
            }
        }
        var plain = packet[..length];
        if (!RtpHeader.TryParse(plain, out var header))
        {
            Counters.Garbage++;
            return;
        }
        var audio = settings.Audio;
        var now = Stopwatch.GetTimestamp();
        if (header.PayloadType == audio.PayloadType)
        {
            var stats = _stats;
            var newSource = stats.PacketsReceived == 0 || stats.Ssrc != header.Ssrc;
            var arrival = (long)(now * (double)audio.Codec.RtpClockRate() / Stopwatch.Frequency);
            stats.Update(header.Ssrc, header.SequenceNumber, header.Timestamp, arrival);
            _leg?.Receive(header.SequenceNumber, header.Timestamp, header.Payload(plain), now * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
            if (newSource)
            {
                _observer.OnSsrcLearned(ParticipantId, header.Ssrc);
            }
        }
        else if (audio.TelephoneEventPayloadType is { } te && header.PayloadType == te)
        {
            if (_dtmf.TryReceive(header.Timestamp, header.Payload(plain), out var digit))
            {
                _observer.OnDtmf(ParticipantId, digit);
            }
        }
        else if (header.PayloadType != ComfortNoisePayloadType)
        {
            Counters.UnknownPayloadType++;
            return;
        }
        Counters.RtpReceived++;
        Latch(ref _remoteRtp, from, header.Ssrc == _stats.Ssrc);
        if (settings.Audio.RtcpMux)
        {
            Latch(ref _remoteRtcp, from, sameSource: true);
        }
        Interlocked.Exchange(ref _lastPacketTimestamp, now);
    }

    private void HandleRtcp(LegSettings settings, Span<byte> packet, SocketAddress from, bool rtcpSocket)
    {
        var length = packet.Length;
        if (settings.ReceiveRtcp is { } srtp)
        {
            // RTCP over the RTP socket (mux) and over the RTCP socket run on different threads; with mux
            // only the RTP socket sees RTCP, so one context per socket is enough.
            var context = rtcpSocket ? srtp : settings.ReceiveRtp!;
            var status = context.UnprotectRtcp(packet, out length);
            if (status != SrtpStatus.Ok)
            {
                Count(status);
                return;
            }
        }
        var reader = new RtcpReader(packet[..length]);
        var any = false;
        while (reader.TryReadNext(out var type, out var count, out _, out var body))
        {
            any = true;
            var isSender = type == (byte)RtcpPacketType.SenderReport;
            if (isSender && RtcpReader.TryReadSenderInfo(body, out var info))
            {
                _stats.RecordSenderReport(info.NtpTimestamp, Stopwatch.GetTimestamp() * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
            }
            if (isSender || type == (byte)RtcpPacketType.ReceiverReport)
            {
                for (var i = 0; i < count; i++)
                {
                    if (RtcpReader.TryReadReportBlock(body, isSender, i, out var block) && block.Ssrc == _sequencer.Ssrc)
                    {
                        RemoteReport = block;
                    }
                }
            }
        }
        if (!any || reader.Malformed)
        {
            Counters.Garbage++;
            return;
        }
        Counters.RtcpReceived++;
        Latch(ref _remoteRtcp, from, sameSource: true);
        Interlocked.Exchange(ref _lastPacketTimestamp, Stopwatch.GetTimestamp());
    }

    /// <summary>Symmetric RTP: send to where valid media comes from. The first valid packet latches; a
    /// later move needs the same SSRC (NAT rebinding) or a silent current source.</summary>
    private void Latch(ref SocketAddress? target, SocketAddress from, bool sameSource)
    {
        var current = Volatile.Read(ref target);
        if (current is not null && current.Equals(from))
        {
            return;
        }
        var now = Stopwatch.GetTimestamp();
        var quiet = Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastPacketTimestamp), now) > s_relatchAfter;
        var firstLatch = Interlocked.Read(ref _lastRemoteSwitch) == 0;
        if (!firstLatch && !sameSource && !quiet)
        {
            return;
        }
        var copy = new SocketAddress(from.Family, from.Size);
        from.Buffer.Span.CopyTo(copy.Buffer.Span);
        Volatile.Write(ref target, copy);
        Interlocked.Exchange(ref _lastRemoteSwitch, now);
    }

    private void Count(SrtpStatus status)
    {
        switch (status)
        {
            case SrtpStatus.AuthenticationFailed:
                Counters.AuthenticationFailures++;
                break;
            case SrtpStatus.Replay:
                Counters.Replays++;
                break;
            default:
                Counters.Garbage++;
                break;
        }
    }
}
