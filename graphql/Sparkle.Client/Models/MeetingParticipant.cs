namespace Sparkle.Client;

/// <summary>A participant and their live state. The trailing members have defaults so that callers that ask for
/// fewer fields (the typed helpers' MeetingFields) still deserialise.</summary>
public sealed record MeetingParticipant(string Id, string Uri, string? DisplayName, string? UserNumber, Role Role, string State, bool Muted, bool SpeakingAllowed, bool VideoOn,
    bool VideoAllowed = true, bool Speaking = false, int? Slot = null, bool InLobby = false);
