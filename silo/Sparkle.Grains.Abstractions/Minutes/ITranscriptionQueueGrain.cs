namespace Sparkle.Grains.Minutes;

/// <summary>The platform's transcription work queue (key 0, persisted). Recording catalogs enqueue an
/// utterance of a meeting that takes minutes; transcription workers lease jobs, and a lease that expires
/// (a killed or stuck worker) puts the job back for another worker. Completion writes the minutes entry
/// before the job leaves the queue, and the minutes grain is idempotent on the utterance, so each utterance
/// gets exactly one entry. Nothing is dropped when the workers fall behind: jobs wait (backpressure), and the
/// wait is visible as the minutes' lag. Called by platform processes only.</summary>
public interface ITranscriptionQueueGrain : IGrainWithIntegerKey
{
    /// <summary>Idempotent on the utterance id (a catalog retry is one job).</summary>
    Task EnqueueAsync(TranscriptionJob job);
    /// <summary>Up to <paramref name="max"/> jobs, oldest first, leased to <paramref name="workerId"/> for
    /// <paramref name="leaseDuration"/> (0.1 s to 10 min).</summary>
    Task<IReadOnlyList<TranscriptionLease>> LeaseAsync(string workerId, int max, TimeSpan leaseDuration);
    /// <summary>Writes the entry and removes the job; false when the job is no longer queued (another worker
    /// completed it after this worker's lease expired): that result is dropped, never a second entry.</summary>
    Task<bool> CompleteAsync(string workerId, Guid jobId, TranscriptionResult result);
    /// <summary>How long the oldest unfinished job of the meeting has waited; null when none waits.</summary>
    Task<TimeSpan?> OldestWaitingAsync(Guid meetingId);
    Task<TranscriptionQueueStats> GetStatsAsync();
}
