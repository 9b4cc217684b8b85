using Sparkle.Grains.Minutes;

namespace Sparkle.Grains.Minutes;

/// <summary>One meeting's minutes. Entries are kept sorted by when the utterance started (meeting time), not
/// by when its transcription finished.</summary>
[GenerateSerializer]
public sealed class MinutesState
{
    [Id(0)] public Guid TenantId { get; set; }
    [Id(1)] public MinutesStatus Status { get; set; }
    [Id(2)] public List<MinutesEntryRecord> Entries { get; set; } = [];
    [Id(3)] public string? Editor { get; set; }
    /// <summary>How long the last completed utterance waited in the queue.</summary>
    [Id(4)] public TimeSpan LastLag { get; set; }
    [Id(5)] public DateTimeOffset? FinalizedAt { get; set; }
    [Id(6)] public string? FinalizedBy { get; set; }
}

[GenerateSerializer]
public sealed class MinutesEntryRecord
{
    [Id(0)] public Guid Id { get; set; }
    [Id(1)] public Guid UtteranceId { get; set; }
    [Id(2)] public string? SpeakerNumber { get; set; }
    [Id(3)] public string? SpeakerName { get; set; }
    [Id(4)] public DateTimeOffset StartedAt { get; set; }
    [Id(5)] public DateTimeOffset EndedAt { get; set; }
    [Id(6)] public string? Text { get; set; }
    [Id(7)] public string? OriginalText { get; set; }
    [Id(8)] public double Confidence { get; set; }
    [Id(9)] public bool Narrowband { get; set; }
    [Id(10)] public MinutesEntryStatus Status { get; set; }
    [Id(11)] public string? Reason { get; set; }
    [Id(12)] public List<MinutesEdit> Edits { get; set; } = [];
}
