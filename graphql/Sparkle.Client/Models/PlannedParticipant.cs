namespace Sparkle.Client;

public sealed record PlannedParticipant(string Number, string? DisplayName = null, Role Role = Role.Participant, string? ContactExternalId = null);
