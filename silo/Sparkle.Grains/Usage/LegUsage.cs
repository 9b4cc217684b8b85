using System.Security.Cryptography;
using System.Text;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;

namespace Sparkle.Grains.Usage;

/// <summary>Makes the usage record of a leg that ends now from the meeting's participant record and what the media
/// worker measured. A pure function, so what is billed can be checked without a meeting.</summary>
public static class LegUsage
{
    public static LegUsageRecord Build(Guid tenantId, Guid meetingId, ParticipantRecord record, DateTimeOffset startedAt,
        DateTimeOffset endedAt, LegQuality? quality)
    {
        if (endedAt < startedAt)
        {
            endedAt = startedAt; // a clock step back between join and leave: a zero-length leg, never a negative one
        }

        var webRtc = quality?.Transport == "webrtc";
        var direction = webRtc ? LegDirection.WebRtc
            : record.JoiningMethod == JoiningMethod.DialedOut ? LegDirection.DialOut
            : LegDirection.DialIn;
        return new LegUsageRecord(
            LegId: LegIdOf(meetingId, record.Id, startedAt),
            TenantId: tenantId,
            MeetingId: meetingId,
            ParticipantId: record.Id,
            Uri: record.Uri.Length > 0 ? record.Uri : record.DialNumber ?? record.UserNumber ?? "",
            DisplayName: record.DisplayName,
            Direction: direction,
            Transport: webRtc ? "webrtc" : SignallingTransportOf(record.Uri),
            AudioCodec: quality?.AudioCodec,
            VideoCodec: quality?.VideoCodec,
            Srtp: quality?.Srtp ?? false,
            StartedAt: startedAt,
            EndedAt: endedAt,
            DurationSeconds: (int)Math.Round((endedAt - startedAt).TotalSeconds, MidpointRounding.AwayFromZero),
            PacketsReceived: quality?.PacketsReceived,
            PacketsLost: quality?.PacketsLost,
            LossFraction: quality?.LossFraction,
            JitterMs: quality?.JitterMs,
            // No audio received (a phone that sent none): nothing to judge the call by, so no score rather than a perfect one.
            Mos: quality is not { PacketsReceived: > 0 } ? null : MeanOpinionScore.Estimate(quality.AudioCodec, quality.LossFraction, quality.JitterMs),
            ImsChargingId: null); // no IMS core yet: the platform receives no P-Charging-Vector to take it from
    }

    /// <summary>The SIP transport the URI names (RFC 3261 §19.1: sips means TLS; else its transport parameter; else UDP).</summary>
    public static string SignallingTransportOf(string uri)
    {
        if (uri.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
        {
            return "tls";
        }

        var at = uri.IndexOf(";transport=", StringComparison.OrdinalIgnoreCase);
        if (at >= 0)
        {
            var value = uri[(at + ";transport=".Length)..];
            var end = value.IndexOfAny([';', '>', '?']);
            var transport = (end >= 0 ? value[..end] : value).ToLowerInvariant();
            if (transport is "udp" or "tcp" or "tls")
            {
                return transport;
            }
        }

        return "udp";
    }

    /// <summary>The same leg always gets the same id, so a record queued twice (or retried) is stored once.</summary>
    public static Guid LegIdOf(Guid meetingId, string participantId, DateTimeOffset startedAt)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{meetingId:N}/{participantId}/{startedAt.UtcTicks}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50); // a name-based UUID (version 5 layout, SHA-256 digest)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
