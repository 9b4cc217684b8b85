namespace Sparkle.Client;

/// <summary>How a call leg reached the meeting.</summary>
public enum LegDirection { DialIn, DialOut, WebRtc }

/// <summary>One participant's call in a meeting, from connect to leaving. Quality fields are null when the media worker
/// could not be asked; Mos is the simplified ITU-T G.107 estimate; ImsChargingId stays null until the platform runs
/// behind an IMS core.</summary>
public sealed record UsageRecord(
    Guid Id, Guid TenantId, Guid MeetingId, string ParticipantId, string Uri, string? DisplayName,
    DateTimeOffset StartedAt, DateTimeOffset EndedAt, int DurationSeconds, LegDirection Direction, string Transport,
    string? AudioCodec, string? VideoCodec, bool Srtp, long? PacketsReceived, long? PacketsLost, double? PacketLoss, double? JitterMs,
    double? Mos, string? ImsChargingId);

/// <summary>A tenant's usage on one UTC day.</summary>
public sealed record TenantDayUsage(
    Guid TenantId, DateOnly Day, int Meetings, double ParticipantMinutes, int PeakConcurrency, double RecordingMinutes, long RecordingBytes);

/// <summary>Which CSV export: every leg, or the per-day figures.</summary>
public enum UsageExport { Legs, Daily }
