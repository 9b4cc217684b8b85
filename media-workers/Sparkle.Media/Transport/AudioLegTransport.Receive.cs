using System.Diagnostics;
using System.Net;
using Sparkle.Media.Codecs;
using Sparkle.Media.Rtp;

namespace Sparkle.Media.Transport;

public sealed partial class AudioLegTransport
{
    void UdpReceiveLoop.IHandler.OnDatagram(Span<byte> packet, SocketAddress from, bool rtcpSocket) =>
        RtpIngress.Dispatch(this, packet, from, rtcpSocket);

    LegSettings? IRtpLegReceiver<LegSettings>.CurrentSettings => _settings;

    LegCounters IRtpLegReceiver<LegSettings>.Counters => Counters;

    void IRtpLegReceiver<LegSettings>.OnReceiveError(Exception error) => LastError = error;

    void IRtpLegReceiver<LegSettings>.HandleRtp(LegSettings settings, Span<byte> packet, SocketAddress from)
    {
        if (!RtpIngress.TryAdmitRtp(settings, Counters, _remote, packet, from, out var header, out var length, out var now, out var fromCurrent))
        {
            return;
        }
        var plain = packet[..length];
        var audio = settings.Audio;
        if (header.PayloadType == audio.PayloadType)
        {
            var stats = _stats;
            var newSource = stats.PacketsReceived == 0 || stats.Ssrc != header.Ssrc;
            var arrival = (long)(now * (double)audio.Codec.RtpClockRate() / Stopwatch.Frequency);
            stats.Update(header.Ssrc, header.SequenceNumber, header.Timestamp, arrival);
            // RFC 6464: a packet its sender calls quiet need not be decoded while nobody hears this leg.
            var quiet = audio.AudioLevelId is { } levelId
                && AudioLevelExtension.TryRead(plain, header, levelId, out var level, out var voice)
                && !AudioLevelExtension.IsSpeech(level, voice);
            _leg?.Receive(header.SequenceNumber, header.Timestamp, header.Payload(plain), now * TimeSpan.TicksPerSecond / Stopwatch.Frequency, quiet);
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
        _remote.Learn(from, fromCurrent, settings.Audio.RtcpMux, now);
    }

    void IRtpLegReceiver<LegSettings>.HandleRtcp(LegSettings settings, Span<byte> packet, SocketAddress from, bool rtcpSocket)
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
        RtpIngress.CompleteRtcp(Counters, _remote, any && !reader.Malformed, settings.Audio.RtcpMux, from, rtcpSocket);
    }
}
