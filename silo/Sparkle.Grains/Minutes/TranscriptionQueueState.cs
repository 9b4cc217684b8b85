using Sparkle.Grains.Minutes;

namespace Sparkle.Grains.Minutes;

[GenerateSerializer]
public sealed class TranscriptionQueueState
{
    /// <summary>Waiting and leased jobs, in the order they came.</summary>
    [Id(0)] public List<QueuedJob> Jobs { get; set; } = [];
    /// <summary>Utterances completed lately (bounded): a late re-enqueue of one of them is not queued again.</summary>
    [Id(1)] public List<Guid> RecentlyDone { get; set; } = [];
    [Id(2)] public long Completed { get; set; }
}

[GenerateSerializer]
public sealed class QueuedJob
{
    [Id(0)] public TranscriptionJob Job { get; set; } = null!;
    [Id(1)] public string? LeasedBy { get; set; }
    [Id(2)] public DateTimeOffset? LeaseExpiresAt { get; set; }
    /// <summary>How many times it was leased.</summary>
    [Id(3)] public int Attempts { get; set; }
}
