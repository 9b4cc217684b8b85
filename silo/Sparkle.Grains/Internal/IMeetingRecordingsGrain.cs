using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Recordings;

namespace Sparkle.Grains.Internal;

/// <summary>Silo-internal face of a meeting for its recording catalog: who may hear the recordings, who
/// spoke, and the events the catalog makes the meeting emit. Key: the meeting id. Every method interleaves
/// (the meeting may be waiting on the catalog while the catalog asks).</summary>
public interface IMeetingRecordingsGrain : IGrainWithGuidKey
{
    /// <summary>Null when the meeting does not exist.</summary>
    Task<RecordingAudience?> GetRecordingAudienceAsync(string? userNumber);
    /// <summary>The user number and display name of a participant (null, null when unknown).</summary>
    Task<SpeakerInfo> GetSpeakerAsync(string participantId);
    Task OnUtteranceRecordedAsync(Guid utteranceId);
    Task OnRecordingHealthAsync(Guid recordingId, RecordingHealth health);
    /// <summary>Null when the meeting does not exist.</summary>
    Task<MinutesAudience?> GetMinutesAudienceAsync(string? userNumber);
    /// <summary>The minutes grain added (or someone edited) an entry: emitted on the meeting's stream.</summary>
    Task OnMinutesEntryAsync(Guid entryId, bool edited);
}

/// <summary>The meeting as the minutes grain's checks see it, for one user.</summary>
[GenerateSerializer, Immutable]
public sealed record MinutesAudience(
    [property: Id(0)] Guid TenantId,
    [property: Id(1)] MeetingStatus Status,
    /// <summary>The meeting's recording settings ask for minutes (which records per utterance).</summary>
    [property: Id(2)] bool TakesMinutes,
    [property: Id(3)] string Title,
    /// <summary>The user's role in the meeting (the owner chairs); null for none.</summary>
    [property: Id(4)] Role? MeetingRole,
    /// <summary>The user is (or was) a participant of the meeting, planned or joined.</summary>
    [property: Id(5)] bool IsParticipant,
    /// <summary>Everyone planned or joined, by number and name (for the minutes' header and the webhook).</summary>
    [property: Id(6)] IReadOnlyList<Minutes.MinutesParticipant> Participants);

/// <summary>The meeting as the catalog's checks see it, for one user.</summary>
[GenerateSerializer, Immutable]
public sealed record RecordingAudience(
    [property: Id(0)] Guid TenantId,
    [property: Id(1)] MeetingStatus Status,
    /// <summary>The user owns or chairs the meeting, or the meeting names them as a listener.</summary>
    [property: Id(2)] bool IsListener,
    /// <summary>The user is (or was) a participant of the meeting, planned or joined.</summary>
    [property: Id(3)] bool IsParticipant);

[GenerateSerializer, Immutable]
public sealed record SpeakerInfo(
    [property: Id(0)] string? Number,
    [property: Id(1)] string? Name);

/// <summary>The retention sweep of a catalog, callable directly by tests (with their own clock).</summary>
public interface IRecordingRetentionGrain : IGrainWithGuidKey
{
    /// <summary>Deletes what ended before now minus the tenant's retention; returns how many recordings and
    /// utterances went.</summary>
    Task<int> ApplyRetentionAsync(DateTimeOffset now);
}
