using Sparkle.Grains.Identity;

namespace Sparkle.Grains.Recordings;

/// <summary>A meeting's recordings, utterances and their audit log. Key: the meeting id.
/// Worker- and meeting-facing methods are called by platform processes only; every caller-facing method
/// authorises its caller (another tenant's caller gets NotFound).</summary>
public interface IRecordingCatalogGrain : IGrainWithGuidKey
{
    // The meeting grain
    /// <summary>Lists new recordings (an empty list: per-utterance recording only) before the worker starts.</summary>
    Task RecordingStartedAsync(Guid tenantId, IReadOnlyList<RecordingStart> recordings, DateTimeOffset at);
    /// <summary>The worker refused: the recordings listed at start are dropped again.</summary>
    Task RecordingAbandonedAsync(IReadOnlyList<Guid> recordingIds);
    Task RecordingStoppedAsync(IReadOnlyList<Guid> recordingIds, DateTimeOffset at);
    /// <summary>The meeting is deleted: every blob, every wrapped key, the audit log.</summary>
    Task DeleteAllAsync();
    /// <summary>Chooses the utterances a keypad replay plays (see <see cref="ReplaySelection"/>) and audits each
    /// as a Replay; null when there is none.</summary>
    Task<Sparkle.Grains.Media.ReplayClip?> SelectReplayAsync(ReplaySelection selection);

    // The worker
    Task AddPartAsync(RecordingPartInfo part);
    Task AddUtteranceAsync(UtteranceInfo utterance);
    Task SetHealthAsync(Guid recordingId, RecordingHealth health);

    // Users
    Task<IReadOnlyList<RecordingInfo>> ListRecordingsAsync(Caller caller);
    Task<IReadOnlyList<UtteranceListing>> ListUtterancesAsync(Caller caller, UtteranceFilter filter);
    /// <summary>Authorises playing (or, with <paramref name="export"/>, downloading) and writes an audit row.</summary>
    Task<PlaybackGrant> AuthorizePlaybackAsync(Caller caller, Guid recordingId, bool export);
    /// <summary>Authorises replaying one utterance and writes an audit row.</summary>
    Task<PlaybackGrant> AuthorizeUtteranceAsync(Caller caller, Guid utteranceId);
    /// <summary>The same checks without an audit row: every request of an issued link is checked again
    /// (rights may have been withdrawn, the recording deleted), while the link's issue was audited once.</summary>
    Task<PlaybackGrant> CheckPlaybackAsync(Caller caller, Guid recordingId, bool export);
    Task<PlaybackGrant> CheckUtteranceAsync(Caller caller, Guid utteranceId);
    Task DeleteRecordingAsync(Caller caller, Guid recordingId);
    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<RecordingAuditEntry>> GetAuditAsync(Caller caller);
}
