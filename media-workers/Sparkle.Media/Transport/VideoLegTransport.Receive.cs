using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using Sparkle.Media.Rtp;
using Sparkle.Media.Sdp;

namespace Sparkle.Media.Transport;

public sealed partial class VideoLegTransport
{
    private const int MaxNackedPerPacket = 64;

    private long _remoteBitrateLimit;
    private int _lastFirSequence = -1;

    void UdpReceiveLoop.IHandler.OnDatagram(Span<byte> packet, SocketAddress from, bool rtcpSocket) =>
        RtpIngress.Dispatch(this, packet, from, rtcpSocket);

    VideoLegSettings? IRtpLegReceiver<VideoLegSettings>.CurrentSettings => _settings;

    LegCounters IRtpLegReceiver<VideoLegSettings>.Counters => Counters;

    void IRtpLegReceiver<VideoLegSettings>.OnReceiveError(Exception error) => LastError = error;

    void IRtpLegReceiver<VideoLegSettings>.HandleRtp(VideoLegSettings settings, Span<byte> packet, SocketAddress from)
    {
        if (!RtpIngress.TryAdmitRtp(settings, Counters, _remote, packet, from, out var header, out var length, out var now, out var fromCurrent))
        {
            return;
        }
        var plain = packet[..length];
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
        _remote.Learn(from, fromCurrent, video.RtcpMux, now);
        Interlocked.Exchange(ref _lastRtpTimestamp, now);

        Span<ushort> missing = stackalloc ushort[MaxNackedPerPacket];
        Incoming.Push(header.SequenceNumber, header.Timestamp, header.Marker, header.Payload(plain), missing, out var missingCount);
        if (missingCount > 0 && (video.Feedback & VideoFeedbackTypes.Nack) != 0)
        {
            SendNack(header.Ssrc, missing[..missingCount]);
        }
    }

    void IRtpLegReceiver<VideoLegSettings>.HandleRtcp(VideoLegSettings settings, Span<byte> packet, SocketAddress from, bool rtcpSocket)
    {
        if (!RtpIngress.TryUnprotectRtcp(settings, Counters, packet, rtcpSocket, out var length))
        {
            return;
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
        RtpIngress.CompleteRtcp(Counters, _remote, any && !reader.Malformed, settings.Video.RtcpMux, from, rtcpSocket);
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
