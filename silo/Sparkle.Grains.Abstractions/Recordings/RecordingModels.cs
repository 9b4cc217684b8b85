namespace Sparkle.Grains.Recordings;

/// <summary>What one recording holds: everything in one file, or the audio or the video alone
/// (<c>separateAudioAndVideo</c>).</summary>
public enum RecordingKind
{
    Mixed = 0,
    Audio = 1,
    Video = 2,
}

/// <summary>A data key wrapped by a tenant's key-encryption key. <see cref="KeyId"/> names the tenant key
/// version that wrapped it (never the tenant's name).</summary>
[GenerateSerializer, Immutable]
public sealed record WrappedKey(
    [property: Id(0)] string KeyId,
    [property: Id(1)] byte[] Ciphertext);

/// <summary>A fresh 256-bit data key: the plaintext for sealing now, the wrapped form to store.</summary>
[GenerateSerializer, Immutable]
public sealed record DataKey(
    [property: Id(0)] byte[] Plaintext,
    [property: Id(1)] WrappedKey Wrapped);

/// <summary>The meeting grain's order to a worker: record this meeting from now on.</summary>
[GenerateSerializer, Immutable]
public sealed record RecordingOrder(
    /// <summary>The whole-meeting recording's id; with <see cref="SeparateAudioAndVideo"/> the audio file is
    /// this id and the video file <see cref="VideoRecordingId"/>.</summary>
    [property: Id(0)] Guid RecordingId,
    [property: Id(1)] Guid TenantId,
    /// <summary>Record everyone's audio (the full mix) and the composite video.</summary>
    [property: Id(2)] bool WholeMeeting,
    [property: Id(3)] bool SeparateAudioAndVideo,
    /// <summary>Cut every participant's own audio into utterances, one file each.</summary>
    [property: Id(4)] bool PerUtterance,
    /// <summary>The meeting's clock: utterance times are given from here.</summary>
    [property: Id(5)] DateTimeOffset MeetingStartedAt,
    [property: Id(6)] Guid VideoRecordingId = default);

/// <summary>One stored part of a whole-meeting recording (parts are bounded in size; each plays alone and
/// they play back as one). Reported by the worker once the part is sealed and stored.</summary>
[GenerateSerializer, Immutable]
public sealed record RecordingPartInfo(
    [property: Id(0)] Guid RecordingId,
    [property: Id(1)] RecordingKind Kind,
    [property: Id(2)] int Index,
    [property: Id(3)] string BlobName,
    [property: Id(4)] WrappedKey Key,
    [property: Id(5)] long SealedBytes,
    [property: Id(6)] long PlainBytes,
    /// <summary>The media type of the plaintext, e.g. <c>video/mp4</c>, <c>audio/ogg</c>.</summary>
    [property: Id(7)] string ContentType,
    /// <summary>Where the part starts on the recording's timeline.</summary>
    [property: Id(8)] TimeSpan Offset,
    [property: Id(9)] TimeSpan Duration,
    /// <summary>The recording was stopped after this part.</summary>
    [property: Id(10)] bool Last,
    [property: Id(11)] DateTimeOffset StartedAt);

/// <summary>One utterance of one participant, sealed and stored (an Opus file of its own).</summary>
[GenerateSerializer, Immutable]
public sealed record UtteranceInfo(
    [property: Id(0)] Guid UtteranceId,
    [property: Id(1)] string ParticipantId,
    [property: Id(2)] DateTimeOffset StartedAt,
    [property: Id(3)] DateTimeOffset EndedAt,
    /// <summary>Offset into the whole-meeting recording running at the time, if any.</summary>
    [property: Id(4)] TimeSpan? RecordingOffset,
    [property: Id(5)] string BlobName,
    [property: Id(6)] WrappedKey Key,
    [property: Id(7)] long SealedBytes,
    [property: Id(8)] long PlainBytes,
    [property: Id(9)] string ContentType);

/// <summary>How a worker's recording is doing: Degraded while the blob store refuses or is slow and parts
/// wait in the worker's local spool.</summary>
public enum RecordingHealth
{
    Recording = 0,
    Degraded = 1,
}
