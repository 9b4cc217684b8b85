namespace Sparkle.Client;

/// <summary>A meeting. ActiveSpeakerId and RecordingState are filled only by queries that ask for them
/// (<see cref="SparkleClient.GetLiveMeetingAsync"/>).</summary>
public sealed record Meeting(Guid Id, string ConferenceNumber, string OwnerNumber, string Title, MeetingStatus Status, bool Locked, string Layout, LayoutMode LayoutMode, long Version, IReadOnlyList<MeetingParticipant> Participants,
    string? ActiveSpeakerId = null, string? RecordingState = null);
