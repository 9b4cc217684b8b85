namespace Sparkle.Client;

public sealed record MeetingPlan(Guid Id, string OwnerNumber, string Title, IReadOnlyList<PlannedParticipant> Participants, string Layout, LayoutMode LayoutMode, Guid? CopiedFrom);
