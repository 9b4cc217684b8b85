using Sparkle.Grains.Listings;

namespace Sparkle.Grains.Usage;

/// <summary>How a leg reached the meeting.</summary>
public enum LegDirection
{
    DialIn = 0,
    DialOut = 1,
    WebRtc = 2,
}

/// <summary>One participant's call in a meeting, from connect to leaving: the billing record (table usage_legs).</summary>
[GenerateSerializer, Immutable]
public sealed record LegUsageRecord(
    [property: Id(0)] Guid LegId,
    [property: Id(1)] Guid TenantId,
    [property: Id(2)] Guid MeetingId,
    [property: Id(3)] string ParticipantId,
    /// <summary>The number or SIP URI the participant called from or was called at.</summary>
    [property: Id(4)] string Uri,
    [property: Id(5)] string? DisplayName,
    [property: Id(6)] LegDirection Direction,
    /// <summary>Signalling transport: "udp", "tcp", "tls" or "webrtc".</summary>
    [property: Id(7)] string Transport,
    [property: Id(8)] string? AudioCodec,
    [property: Id(9)] string? VideoCodec,
    [property: Id(10)] bool Srtp,
    [property: Id(11)] DateTimeOffset StartedAt,
    [property: Id(12)] DateTimeOffset EndedAt,
    [property: Id(13)] int DurationSeconds,
    /// <summary>Quality of what the participant sent (null when the media worker could not be asked).</summary>
    [property: Id(14)] long? PacketsReceived,
    [property: Id(15)] long? PacketsLost,
    [property: Id(16)] double? LossFraction,
    [property: Id(17)] double? JitterMs,
    /// <summary>Estimated MOS (simplified ITU-T G.107 E-model, see MeanOpinionScore).</summary>
    [property: Id(18)] double? Mos,
    /// <summary>The IMS charging id (P-Charging-Vector icid-value). Always null: the platform does not sit behind IMS yet.</summary>
    [property: Id(19)] string? ImsChargingId);

/// <summary>A sealed recording part (table usage_recordings): counted into the day its part started.</summary>
[GenerateSerializer, Immutable]
public sealed record RecordingUsageRecord(
    [property: Id(0)] Guid RecordingId,
    [property: Id(1)] int PartIndex,
    [property: Id(2)] Guid TenantId,
    [property: Id(3)] Guid MeetingId,
    [property: Id(4)] string Kind,
    [property: Id(5)] DateTimeOffset StartedAt,
    [property: Id(6)] double Seconds,
    [property: Id(7)] long Bytes);

/// <summary>One tenant's usage on one UTC day. Legs and meetings crossing midnight count in each day they touch, with the
/// minutes that fall in that day.</summary>
[GenerateSerializer, Immutable]
public sealed record TenantDailyUsage(
    [property: Id(0)] Guid TenantId,
    [property: Id(1)] DateOnly Day,
    /// <summary>Meetings with at least one leg connected during the day.</summary>
    [property: Id(2)] int Meetings,
    /// <summary>Sum over legs of their connected time within the day, in minutes.</summary>
    [property: Id(3)] double ParticipantMinutes,
    /// <summary>Most legs connected at the same instant during the day (all meetings of the tenant).</summary>
    [property: Id(4)] int PeakConcurrency,
    [property: Id(5)] double RecordingMinutes,
    [property: Id(6)] long RecordingBytes);

/// <summary>One page of leg records, oldest start first; <see cref="Items"/>' positions continue the list.</summary>
[GenerateSerializer, Immutable]
public sealed record LegUsagePage(
    [property: Id(0)] IReadOnlyList<LegUsageRecord> Items,
    [property: Id(1)] IReadOnlyList<ListingPosition> Positions,
    [property: Id(2)] bool HasNextPage,
    /// <summary>Legs in the whole period (all pages).</summary>
    [property: Id(3)] long TotalCount);
