namespace Sparkle.Grains.Recordings;

/// <summary>One whole-meeting recording as listed to users (no keys, no blob names).</summary>
[GenerateSerializer, Immutable]
public sealed record RecordingInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid MeetingId,
    [property: Id(2)] RecordingKind Kind,
    [property: Id(3)] DateTimeOffset StartedAt,
    [property: Id(4)] DateTimeOffset? EndedAt,
    [property: Id(5)] TimeSpan Duration,
    [property: Id(6)] long SizeBytes,
    [property: Id(7)] int PartCount,
    [property: Id(8)] RecordingHealth Health);

/// <summary>One utterance as listed to users.</summary>
[GenerateSerializer, Immutable]
public sealed record UtteranceListing(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid MeetingId,
    [property: Id(2)] string ParticipantId,
    [property: Id(3)] string? SpeakerNumber,
    [property: Id(4)] string? SpeakerName,
    [property: Id(5)] DateTimeOffset StartedAt,
    [property: Id(6)] DateTimeOffset EndedAt,
    [property: Id(7)] TimeSpan? RecordingOffset);

[GenerateSerializer, Immutable]
public sealed record UtteranceFilter(
    [property: Id(0)] string? SpeakerNumber = null,
    /// <summary>Only utterances that started after this.</summary>
    [property: Id(1)] DateTimeOffset? After = null,
    /// <summary>At most this many (1 to <see cref="MaxFirst"/>, default 100).</summary>
    [property: Id(2)] int? First = null)
{
    public const int MaxFirst = 500;
}

/// <summary>One sealed object to stream: its blob, lengths and wrapped data key.</summary>
[GenerateSerializer, Immutable]
public sealed record PlaybackPart(
    [property: Id(0)] int Index,
    [property: Id(1)] string BlobName,
    [property: Id(2)] long SealedBytes,
    [property: Id(3)] long PlainBytes,
    [property: Id(4)] WrappedKey Key,
    [property: Id(5)] TimeSpan Offset,
    [property: Id(6)] TimeSpan Duration);

/// <summary>What the API host needs to stream an authorised recording or utterance.</summary>
[GenerateSerializer, Immutable]
public sealed record PlaybackGrant(
    [property: Id(0)] Guid TenantId,
    [property: Id(1)] Guid MeetingId,
    [property: Id(2)] Guid ItemId,
    [property: Id(3)] string ContentType,
    [property: Id(4)] IReadOnlyList<PlaybackPart> Parts);

public enum RecordingAuditAction
{
    Play = 0,
    Export = 1,
    Replay = 2,
    Delete = 3,
}

[GenerateSerializer, Immutable]
public sealed record RecordingAuditEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Who,
    [property: Id(2)] RecordingAuditAction Action,
    [property: Id(3)] Guid ItemId);

/// <summary>A recording the meeting grain has ordered from its worker.</summary>
[GenerateSerializer, Immutable]
public sealed record RecordingStart(
    [property: Id(0)] Guid RecordingId,
    [property: Id(1)] RecordingKind Kind);

/// <summary>What a participant's keypad replay asks the catalog for. The meeting grain has checked the listener
/// (connected, past the lobby, the meeting running); the catalog chooses the utterances and audits each.</summary>
[GenerateSerializer, Immutable]
public sealed record ReplaySelection(
    /// <summary>The listener's own utterances are never chosen.</summary>
    [property: Id(0)] string ListenerParticipantId,
    /// <summary>Who the audit names (the user number, or <c>participant:{id}</c> for a guest).</summary>
    [property: Id(1)] string Who,
    [property: Id(2)] DateTimeOffset Now,
    /// <summary>Null: the latest utterance of someone else that ended at or before <see cref="Now"/> (<c>*7</c>).
    /// Set: every utterance of others that ended within this window before <see cref="Now"/>, oldest start first
    /// (<c>*77</c>).</summary>
    [property: Id(3)] TimeSpan? Window)
{
    /// <summary>At most this many utterances in one replay.</summary>
    public const int MaxSegments = 20;
}
