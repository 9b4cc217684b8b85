namespace Sparkle.Client;

public sealed record MeetingParticipant(string Id, string Uri, string? DisplayName, string? UserNumber, Role Role, string State, bool Muted, bool SpeakingAllowed, bool VideoOn);
