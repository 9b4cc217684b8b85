using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sparkle.Grains.Identity;

namespace Sparkle.Grains.Minutes;

/// <summary>The transcription queue (key 0). Expired leases are swept back on every lease and lag call, so no
/// timer is needed: a job waits until a live worker asks. A job whose leases expired
/// <see cref="MaxAttempts"/> times (it kills or hangs every worker) is completed as UNTRANSCRIBED, so one bad
/// file cannot block the queue. The clock is the silo's <see cref="TimeProvider"/> (tests inject theirs).</summary>
public sealed class TranscriptionQueueGrain(
    [PersistentState(stateName: "transcription-queue", storageName: SparkleStorage.Name)] IPersistentState<TranscriptionQueueState> state,
    ILogger<TranscriptionQueueGrain> logger)
    : Grain, ITranscriptionQueueGrain
{
    public const int MaxAttempts = 3;
    private const int RecentlyDoneKept = 10_000;
    private const int MaxLeaseBatch = 100;
    private static readonly TimeSpan MinLease = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxLease = TimeSpan.FromMinutes(10);

    private TranscriptionQueueState S => state.State;
    private TimeProvider Clock => ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;

    public async Task EnqueueAsync(TranscriptionJob job)
    {
        if (job is null || job.UtteranceId == Guid.Empty || job.MeetingId == Guid.Empty || job.TenantId == Guid.Empty
            || string.IsNullOrWhiteSpace(job.BlobName) || job.Key is null)
        {
            throw new ValidationException("A transcription job needs an utterance, a meeting, a tenant, a blob and a key.");
        }

        if (S.Jobs.Any(j => j.Job.UtteranceId == job.UtteranceId) || S.RecentlyDone.Contains(job.UtteranceId))
        {
            return;
        }

        S.Jobs.Add(new QueuedJob { Job = job with { EnqueuedAt = Clock.GetUtcNow() } });
        await state.WriteStateAsync();
    }

    public async Task<IReadOnlyList<TranscriptionLease>> LeaseAsync(string workerId, int max, TimeSpan leaseDuration)
    {
        if (string.IsNullOrWhiteSpace(workerId) || max < 1)
        {
            throw new ValidationException("A lease needs a worker id and max >= 1.");
        }

        await SweepAsync();
        var now = Clock.GetUtcNow();
        var lease = leaseDuration < MinLease ? MinLease : leaseDuration > MaxLease ? MaxLease : leaseDuration;
        var taken = new List<TranscriptionLease>();
        foreach (var queued in S.Jobs.Where(j => j.LeasedBy is null).Take(Math.Min(max, MaxLeaseBatch)))
        {
            queued.LeasedBy = workerId;
            queued.LeaseExpiresAt = now + lease;
            queued.Attempts++;
            taken.Add(new TranscriptionLease(queued.Job, now + lease, queued.Attempts));
        }

        if (taken.Count > 0)
        {
            await state.WriteStateAsync();
        }

        return taken;
    }

    public async Task<bool> CompleteAsync(string workerId, Guid jobId, TranscriptionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var queued = S.Jobs.FirstOrDefault(j => j.Job.UtteranceId == jobId);
        if (queued is null)
        {
            return false; // completed by another worker after this one's lease expired
        }

        if (queued.LeasedBy != workerId)
        {
            // The lease expired and the job went back (or to another worker); the work is done all the same,
            // and the first completion wins.
            logger.LogInformation("Transcription job {JobId}: completed by {Worker} after its lease passed to {Other}", jobId, workerId, queued.LeasedBy ?? "the queue");
        }

        await FinishAsync(queued, result);
        return true;
    }

    public async Task<TimeSpan?> OldestWaitingAsync(Guid meetingId)
    {
        await SweepAsync();
        var oldest = S.Jobs.Where(j => j.Job.MeetingId == meetingId).Select(j => (DateTimeOffset?)j.Job.EnqueuedAt).Min();
        return oldest is { } at ? Clock.GetUtcNow() - at : null;
    }

    public async Task<TranscriptionQueueStats> GetStatsAsync()
    {
        await SweepAsync();
        var oldest = S.Jobs.Select(j => (DateTimeOffset?)j.Job.EnqueuedAt).Min();
        return new TranscriptionQueueStats(
            S.Jobs.Count(j => j.LeasedBy is null), S.Jobs.Count(j => j.LeasedBy is not null), S.Completed,
            oldest is { } at ? Clock.GetUtcNow() - at : null);
    }

    /// <summary>Expired leases go back to the queue; a job that used up its attempts is closed as untranscribed.</summary>
    private async Task SweepAsync()
    {
        var now = Clock.GetUtcNow();
        var changed = false;
        foreach (var queued in S.Jobs.Where(j => j.LeasedBy is not null && j.LeaseExpiresAt <= now).ToList())
        {
            logger.LogWarning("Transcription job {JobId}: the lease of {Worker} expired (attempt {Attempt}); back to the queue",
                queued.Job.UtteranceId, queued.LeasedBy, queued.Attempts);
            queued.LeasedBy = null;
            queued.LeaseExpiresAt = null;
            changed = true;
            if (queued.Attempts >= MaxAttempts)
            {
                try
                {
                    await FinishAsync(queued, new TranscriptionResult(MinutesEntryStatus.Untranscribed, "", 0, false,
                        $"Transcription failed {queued.Attempts} times (the workers died or hung on this utterance); listen to the audio."));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Kept queued: the next sweep tries again.
                    logger.LogWarning(e, "Transcription job {JobId}: could not close it as untranscribed", queued.Job.UtteranceId);
                }
            }
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    /// <summary>The entry is written first: if that fails the job stays queued (and is retried), never lost.</summary>
    private async Task FinishAsync(QueuedJob queued, TranscriptionResult result)
    {
        try
        {
            await GrainFactory.GetGrain<IMinutesGrain>(queued.Job.MeetingId).AddEntryAsync(queued.Job, result);
        }
        catch (NotFoundException)
        {
            // The meeting was deleted meanwhile: there are no minutes to write to.
            logger.LogInformation("Transcription job {JobId}: its meeting is gone; dropped", queued.Job.UtteranceId);
        }

        S.Jobs.Remove(queued);
        S.RecentlyDone.Add(queued.Job.UtteranceId);
        if (S.RecentlyDone.Count > RecentlyDoneKept)
        {
            S.RecentlyDone.RemoveRange(0, S.RecentlyDone.Count - RecentlyDoneKept);
        }

        S.Completed++;
        await state.WriteStateAsync();
    }
}
