using Sparkle.Grains.Recordings;

namespace Sparkle.Grains.Minutes;

/// <summary>LIVE while entries may still be edited; FINAL once frozen by <see cref="IMinutesGrain.FinalizeAsync"/>.</summary>
public enum MinutesStatus
{
    Live = 0,
    Final = 1,
}

public enum MinutesEntryStatus
{
    /// <summary>The engine produced a transcript (possibly empty: silence, noise).</summary>
    Transcribed = 0,
    /// <summary>The engine could not handle the utterance (unsupported language, unreadable audio, repeated
    /// worker failures); the audio link is kept and <see cref="MinutesEntry.Reason"/> says why.</summary>
    Untranscribed = 1,
}

/// <summary>One utterance to transcribe. The job id is the utterance id: enqueueing twice is one job,
/// completing twice is one entry.</summary>
[GenerateSerializer, Immutable]
public sealed record TranscriptionJob(
    [property: Id(0)] Guid UtteranceId,
    [property: Id(1)] Guid MeetingId,
    [property: Id(2)] Guid TenantId,
    [property: Id(3)] string BlobName,
    [property: Id(4)] long SealedBytes,
    [property: Id(5)] WrappedKey Key,
    [property: Id(6)] string ContentType,
    [property: Id(7)] string? SpeakerNumber,
    [property: Id(8)] string? SpeakerName,
    [property: Id(9)] DateTimeOffset StartedAt,
    [property: Id(10)] DateTimeOffset EndedAt,
    [property: Id(11)] DateTimeOffset EnqueuedAt);

/// <summary>A job handed to one worker until <see cref="ExpiresAt"/>; after that it goes back to the queue.</summary>
[GenerateSerializer, Immutable]
public sealed record TranscriptionLease(
    [property: Id(0)] TranscriptionJob Job,
    [property: Id(1)] DateTimeOffset ExpiresAt,
    /// <summary>1 for the first lease of the job, 2 after one expired lease, ...</summary>
    [property: Id(2)] int Attempt);

/// <summary>What a worker made of a job.</summary>
[GenerateSerializer, Immutable]
public sealed record TranscriptionResult(
    [property: Id(0)] MinutesEntryStatus Status,
    [property: Id(1)] string Text,
    /// <summary>0..1 (the engine's mean word posterior); 0 for no words.</summary>
    [property: Id(2)] double Confidence,
    [property: Id(3)] bool Narrowband,
    /// <summary>Why the entry is untranscribed (or a note on a transcribed one).</summary>
    [property: Id(4)] string? Reason = null,
    [property: Id(5)] string? Engine = null,
    [property: Id(6)] string? Language = null);

[GenerateSerializer, Immutable]
public sealed record TranscriptionQueueStats(
    [property: Id(0)] int Pending,
    [property: Id(1)] int Leased,
    [property: Id(2)] long Completed,
    [property: Id(3)] TimeSpan? OldestAge);

[GenerateSerializer, Immutable]
public sealed record MinutesEdit(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string By,
    [property: Id(2)] string Text);

/// <summary>One minutes entry: one utterance of one speaker.</summary>
[GenerateSerializer, Immutable]
public sealed record MinutesEntry(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid UtteranceId,
    [property: Id(2)] string? SpeakerNumber,
    [property: Id(3)] string? SpeakerName,
    [property: Id(4)] DateTimeOffset StartedAt,
    [property: Id(5)] DateTimeOffset EndedAt,
    /// <summary>The current text: the edited text, else the recognised one; null when withheld (narrowband
    /// audio the wideband model cannot recognise reliably, or untranscribed) and nobody wrote it yet.</summary>
    [property: Id(6)] string? Text,
    /// <summary>What the engine recognised, kept for good (for narrowband entries: its unreliable guess).</summary>
    [property: Id(7)] string? OriginalText,
    [property: Id(8)] double Confidence,
    [property: Id(9)] bool Narrowband,
    [property: Id(10)] MinutesEntryStatus Status,
    [property: Id(11)] string? Reason,
    [property: Id(12)] string? EditedBy,
    [property: Id(13)] DateTimeOffset? EditedAt,
    [property: Id(14)] IReadOnlyList<MinutesEdit> Edits);

[GenerateSerializer, Immutable]
public sealed record MinutesParticipant(
    [property: Id(0)] string? Number,
    [property: Id(1)] string? Name);

/// <summary>The minutes as a reader sees them.</summary>
[GenerateSerializer, Immutable]
public sealed record MinutesView(
    [property: Id(0)] Guid MeetingId,
    [property: Id(1)] Guid TenantId,
    [property: Id(2)] string Title,
    [property: Id(3)] MinutesStatus Status,
    /// <summary>Age of the oldest utterance still waiting for transcription, else how long the last one waited.</summary>
    [property: Id(4)] TimeSpan Lag,
    /// <summary>Meeting-time order.</summary>
    [property: Id(5)] IReadOnlyList<MinutesEntry> Entries,
    [property: Id(6)] string? MinutesEditor,
    [property: Id(7)] IReadOnlyList<MinutesParticipant> Participants,
    [property: Id(8)] DateTimeOffset? FinalizedAt,
    [property: Id(9)] string? FinalizedBy);
