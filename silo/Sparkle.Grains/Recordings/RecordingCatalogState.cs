using Sparkle.Grains.Recordings;

namespace Sparkle.Grains.Recordings;

/// <summary>A meeting's recordings (few, each with a bounded number of parts) and where its utterances are
/// paged. Utterances live in <see cref="UtterancePageState"/> pages, so adding one rewrites one page, not
/// the catalog; the audit log is a state of its own for the same reason.</summary>
[GenerateSerializer]
public sealed class RecordingCatalogState
{
    [Id(0)] public Guid TenantId { get; set; }
    [Id(1)] public List<RecordingRecord> Recordings { get; set; } = [];
    /// <summary>Utterance pages 0..PageCount-1 (the last is the one being filled).</summary>
    [Id(2)] public int PageCount { get; set; }
    /// <summary>Blobs whose keys are forgotten but whose deletion failed; retried by the retention sweep.</summary>
    [Id(3)] public List<string> BlobsToDelete { get; set; } = [];
}

[GenerateSerializer]
public sealed class RecordingRecord
{
    [Id(0)] public Guid Id { get; set; }
    [Id(1)] public RecordingKind Kind { get; set; }
    [Id(2)] public DateTimeOffset StartedAt { get; set; }
    [Id(3)] public DateTimeOffset? EndedAt { get; set; }
    [Id(4)] public RecordingHealth Health { get; set; }
    [Id(5)] public List<PartRecord> Parts { get; set; } = [];
}

[GenerateSerializer]
public sealed class PartRecord
{
    [Id(0)] public int Index { get; set; }
    [Id(1)] public string BlobName { get; set; } = "";
    [Id(2)] public WrappedKey Key { get; set; } = null!;
    [Id(3)] public long SealedBytes { get; set; }
    [Id(4)] public long PlainBytes { get; set; }
    [Id(5)] public string ContentType { get; set; } = "";
    [Id(6)] public TimeSpan Offset { get; set; }
    [Id(7)] public TimeSpan Duration { get; set; }
}

[GenerateSerializer]
public sealed class RecordingAuditState
{
    [Id(0)] public List<RecordingAuditEntry> Entries { get; set; } = [];
}

[GenerateSerializer]
public sealed class UtterancePageState
{
    [Id(0)] public List<UtteranceRecord> Utterances { get; set; } = [];
}

/// <summary>About 200 bytes stored per utterance (ids, times, the blob name and the ~60-byte wrapped key).</summary>
[GenerateSerializer]
public sealed class UtteranceRecord
{
    [Id(0)] public Guid Id { get; set; }
    [Id(1)] public string ParticipantId { get; set; } = "";
    [Id(2)] public string? SpeakerNumber { get; set; }
    [Id(3)] public string? SpeakerName { get; set; }
    [Id(4)] public DateTimeOffset StartedAt { get; set; }
    [Id(5)] public DateTimeOffset EndedAt { get; set; }
    [Id(6)] public TimeSpan? RecordingOffset { get; set; }
    [Id(7)] public string BlobName { get; set; } = "";
    [Id(8)] public WrappedKey Key { get; set; } = null!;
    [Id(9)] public long SealedBytes { get; set; }
    [Id(10)] public long PlainBytes { get; set; }
    [Id(11)] public string ContentType { get; set; } = "";
}
