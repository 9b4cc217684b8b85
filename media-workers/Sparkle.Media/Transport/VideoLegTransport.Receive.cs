using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sparkle.Media.Rtp;
using Sparkle.Media.Sdp;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.Transport;

public sealed partial class VideoLegTransport
{
    private const int MaxNackedPerPacket = 64;

    private long _remoteBitrateLimit;
    private int _lastFirSequence = -1;

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

    private void HandleRtp(VideoLegSettings settings, Span<byte> packet, SocketAddress from)
    {
        var length = packet.Length;
        if (settings.ReceiveRtp is { } srtp)
        {
            var status = srtp.UnprotectRtp(packet, out length);
            if (status != SrtpStatus.Ok)
            {
                Counters.CountSrtpFailure(status);
                return;
            }
        }
        var plain = packet[..length];
        if (!RtpHeader.TryParse(plain, out var header))
        {
            Counters.Garbage++;
            return;
        }
        var now = Stopwatch.GetTimestamp();
        if (!_remote.Admits(from, header.Ssrc, now, out var fromCurrent))
        {
            Counters.Foreign++;
            return;
        }
        var video = settings.Video;
        if (header.PayloadType != video.PayloadType)
        {
            Counters.UnknownPayloadType++;
            return;
        }
        var stats = _stats;
        var newSource = stats.PacketsReceived == 0 || stats.Ssrc != header.Ssrc;
        if (newSource && stats.PacketsReceived > 0)
        {
            Incoming.Reset(); // a new sender (SSRC): its numbering starts afresh
        }
        stats.Update(header.Ssrc, header.SequenceNumber, header.Timestamp, MediaClock.ToVideo90k(now));
        if (newSource)
        {
            _observer.OnVideoSsrcLearned(ParticipantId, header.Ssrc);
        }
        Counters.RtpReceived++;
        _remote.Learn(from, header.Ssrc, fromCurrent, video.RtcpMux, now);
        Interlocked.Exchange(ref _lastRtpTimestamp, now);

        Span<ushort> missing = stackalloc ushort[MaxNackedPerPacket];
        Incoming.Push(header.SequenceNumber, header.Timestamp, header.Marker, header.Payload(plain), missing, out var missingCount);
        if (missingCount > 0 && (video.Feedback & VideoFeedbackTypes.Nack) != 0)
        {
            SendNack(header.Ssrc, missing[..missingCount]);
        }
    }

    private void HandleRtcp(VideoLegSettings settings, Span<byte> packet, SocketAddress from, bool rtcpSocket)
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
                Counters.CountSrtpFailure(status);
                return;
            }
        }
        var reader = new RtcpReader(packet[..length]);
        var any = false;
        while (reader.TryReadNext(out var type, out var count, out _, out var body))
        {
            any = true;
            switch ((RtcpPacketType)type)
            {
                case RtcpPacketType.SenderReport:
                    if (RtcpReader.TryReadSenderInfo(body, out var info))
                    {
                        _stats.RecordSenderReport(info.NtpTimestamp, Stopwatch.GetTimestamp() * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
                    }
                    ReadReportBlocks(body, isSender: true, count);
                    break;
                case RtcpPacketType.ReceiverReport:
                    ReadReportBlocks(body, isSender: false, count);
                    break;
                case RtcpPacketType.TransportFeedback:
                    HandleTransportFeedback(count, body);
                    break;
                case RtcpPacketType.PayloadFeedback:
                    HandlePayloadFeedback(count, body);
                    break;
            }
        }
        if (!any || reader.Malformed)
        {
            Counters.Garbage++;
            return;
        }
        Counters.RtcpReceived++;
        if (!settings.Video.RtcpMux && rtcpSocket)
        {
            _remote.LearnRtcp(from);
        }
        _remote.Touch(Stopwatch.GetTimestamp());
    }

    private void ReadReportBlocks(ReadOnlySpan<byte> body, bool isSender, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (RtcpReader.TryReadReportBlock(body, isSender, i, out var block) && block.Ssrc == Ssrc)
            {
                RemoteReport = block;
            }
        }
    }

    // RTPFB (RFC 4585 §6.2): the body starts with the media source SSRC, then the FCI.
    private void HandleTransportFeedback(int format, ReadOnlySpan<byte> body)
    {
        if (body.Length < 4)
        {
            return;
        }
        var media = BinaryPrimitives.ReadUInt32BigEndian(body);
        var fci = body[4..];
        if (format == RtcpFeedback.GenericNackFormat && media == Ssrc)
        {
            Counters.NacksReceived++;
            Span<ushort> lost = stackalloc ushort[MaxNackedPerPacket];
            var count = RtcpFeedback.ReadGenericNack(fci, lost);
            Retransmit(lost[..count]);
        }
        else if (format == 3 && fci.Length >= 8 && BinaryPrimitives.ReadUInt32BigEndian(fci) == Ssrc)
        {
            // TMMBR (RFC 5104 §4.2.1): a cap on what we send; acknowledged with a TMMBN.
            var word = BinaryPrimitives.ReadUInt32BigEndian(fci[4..]);
            var exponent = (int)(word >> 26);
            var mantissa = (long)((word >> 9) & 0x1FFFF);
            var bitrate = exponent >= 40 ? long.MaxValue : mantissa << exponent;
            Interlocked.Exchange(ref _remoteBitrateLimit, bitrate);
            SendBitrateNotification(bitrate, (int)(word & 0x1FF));
        }
    }

    // PSFB (RFC 4585 §6.3, RFC 5104 §4.3): PLI names the media source in the header; FIR in its FCI.
    private void HandlePayloadFeedback(int format, ReadOnlySpan<byte> body)
    {
        if (body.Length < 4)
        {
            return;
        }
        var media = BinaryPrimitives.ReadUInt32BigEndian(body);
        var fci = body[4..];
        switch (format)
        {
            case 1 when media == Ssrc || media == 0:
                KeyFrameRequested();
                break;
            case 4:
                for (var offset = 0; offset + 8 <= fci.Length; offset += 8)
                {
                    // A repeated FIR (same sequence number) is the same request, sent again for safety.
                    if (BinaryPrimitives.ReadUInt32BigEndian(fci[offset..]) == Ssrc && fci[offset + 4] != _lastFirSequence)
                    {
                        _lastFirSequence = fci[offset + 4];
                        KeyFrameRequested();
                    }
                }
                break;
            case 15 when fci.Length >= 8 && fci[..4].SequenceEqual("REMB"u8):
                var exponent = fci[5] >> 2;
                var mantissa = ((fci[5] & 0x03) << 16) | (fci[6] << 8) | fci[7];
                Interlocked.Exchange(ref _remoteBitrateLimit, exponent >= 40 ? long.MaxValue : (long)mantissa << exponent);
                break;
        }
    }

    /// <summary>The phone asked for a key frame over signalling (SIP INFO, RFC 5168) rather than RTCP:
    /// handled as a PLI, rate-limited by the stream.</summary>
    public void OnKeyFrameRequestedBySignalling() => KeyFrameRequested();

    private void KeyFrameRequested()
    {
        Counters.KeyFrameRequestsReceived++;
        IVideoSendSource? source;
        lock (_sendLock)
        {
            source = _source;
        }
        source?.RequestKeyFrame();
    }
}
