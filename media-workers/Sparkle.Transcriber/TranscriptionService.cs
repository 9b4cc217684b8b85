using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sparkle.Grains.Minutes;

namespace Sparkle.Transcriber;

/// <summary><see cref="TranscriberOptions.Concurrency"/> loops, each: lease one job, transcribe it, complete
/// it. One job per lease, so a worker never holds utterances it has not started while others idle. A loop that
/// cannot reach the cluster or the blob store backs off and tries again; the job's lease then expires and
/// another worker (or this one) takes it.</summary>
public sealed class TranscriptionService(
    IGrainFactory grains,
    JobTranscriber transcriber,
    IOptions<TranscriberOptions> options,
    ILogger<TranscriptionService> logger) : BackgroundService
{
    private readonly TranscriberOptions _options = options.Value;
    private readonly string _workerId = options.Value.WorkerId is { Length: > 0 } id ? id : $"{Environment.MachineName}-{Environment.ProcessId}";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = Math.Clamp(_options.Concurrency, 1, 64);
        logger.LogInformation("Transcriber {WorkerId}: {Loops} loop(s), lease {Lease} s", _workerId, loops, _options.LeaseSeconds);
        return Task.WhenAll(Enumerable.Range(0, loops).Select(i => Task.Run(() => LoopAsync(i, stoppingToken), stoppingToken)));
    }

    private async Task LoopAsync(int index, CancellationToken stoppingToken)
    {
        var queue = grains.GetGrain<ITranscriptionQueueGrain>(0);
        var worker = $"{_workerId}/{index}";
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var leases = await queue.LeaseAsync(worker, 1, TimeSpan.FromSeconds(Math.Max(1, _options.LeaseSeconds)));
                if (leases.Count == 0)
                {
                    await Task.Delay(_options.IdlePollMilliseconds, stoppingToken);
                    continue;
                }

                foreach (var lease in leases)
                {
                    var started = DateTimeOffset.UtcNow;
                    var result = await transcriber.TranscribeAsync(lease.Job, stoppingToken);
                    var accepted = await queue.CompleteAsync(worker, lease.Job.UtteranceId, result);
                    logger.LogInformation("Utterance {UtteranceId} of meeting {MeetingId}: {Status} in {Ms} ms{Dropped}",
                        lease.Job.UtteranceId, lease.Job.MeetingId, result.Status, (long)(DateTimeOffset.UtcNow - started).TotalMilliseconds,
                        accepted ? "" : " (already completed by another worker; dropped)");
                }

                backoff = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogWarning(e, "Transcriber loop {Worker}: failed; retrying in {Backoff}", worker, backoff);
                await Task.Delay(backoff, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }
}
