namespace Sparkle.Client;

public sealed record MeetingEvent(Guid MeetingId, long Version, DateTimeOffset At, string Kind, MeetingParticipant? Participant, string? Detail);
