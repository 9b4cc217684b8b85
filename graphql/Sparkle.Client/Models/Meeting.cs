namespace Sparkle.Client;

public sealed record Meeting(Guid Id, string ConferenceNumber, string OwnerNumber, string Title, MeetingStatus Status, bool Locked, string Layout, LayoutMode LayoutMode, long Version, IReadOnlyList<MeetingParticipant> Participants);
