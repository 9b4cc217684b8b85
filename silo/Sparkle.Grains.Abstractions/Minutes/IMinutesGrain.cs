using Sparkle.Grains.Identity;
using Sparkle.Grains.Recordings;

namespace Sparkle.Grains.Minutes;

/// <summary>A meeting's minutes (key: the meeting id): one entry per utterance in meeting-time order, edits
/// with their history, LIVE until finalized. Rights are enforced here: reading is for the meeting's owner and
/// chairs, tenant owners and managers, the minutes editor, and (by tenant policy
/// <c>ParticipantsReadMinutes</c>) the meeting's participants; editing and finalizing for the owner, chairs,
/// the editor, owners and managers; naming the editor for chairs. Another tenant: NotFound. A meeting that
/// takes no minutes: ValidationException.</summary>
public interface IMinutesGrain : IGrainWithGuidKey
{
    // The transcription queue
    /// <summary>Idempotent on the utterance id; returns the entry (the existing one on a repeat).</summary>
    Task<MinutesEntry> AddEntryAsync(TranscriptionJob job, TranscriptionResult result);

    // The recording catalog
    /// <summary>The meeting is deleted: its minutes (text and edits) go with its recordings.</summary>
    Task DeleteAllAsync();

    // Users
    Task<MinutesView> GetAsync(Caller caller);
    Task<MinutesEntry> EditAsync(Caller caller, Guid entryId, string text);
    /// <summary>Freezes the minutes: no more edits.</summary>
    Task<MinutesView> FinalizeAsync(Caller caller);
    /// <summary>Names the meeting's minutes editor (null: none).</summary>
    Task SetEditorAsync(Caller caller, string? userNumber);
    /// <summary>Checks (without an audit row) that the caller may read the minutes and returns what the API
    /// host needs to stream one entry's utterance.</summary>
    Task<PlaybackGrant> CheckEntryAudioAsync(Caller caller, Guid utteranceId);
}
