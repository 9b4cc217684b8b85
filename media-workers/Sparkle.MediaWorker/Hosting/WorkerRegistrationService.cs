using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.MediaWorker.Engine;

namespace Sparkle.MediaWorker.Hosting;

/// <summary>Makes the worker known to the cluster: registers an object reference to the engine with the
/// registry grain, heartbeats every half second with the meetings it has media for (registering again whenever the
/// registry has forgotten us, e.g. after a silo restart or when it declared us dead), runs leg housekeeping, and
/// unregisters on shutdown. A registration that brings a new generation means the registry declared this worker dead
/// meanwhile (a paused VM): its meetings moved their legs elsewhere, so before serving again it asks each meeting which
/// legs are still its own and releases the rest (the fence against a worker coming back as a zombie).</summary>
public sealed class WorkerRegistrationService(
    IClusterClient client,
    MediaEngine engine,
    IOptions<MediaWorkerOptions> options,
    ILogger<WorkerRegistrationService> logger) : BackgroundService
{
    private static readonly TimeSpan s_period = TimeSpan.FromMilliseconds(500);
    private IMediaWorker? _reference;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Keep the reference for the process lifetime: the runtime holds the engine only weakly.
        _reference = client.CreateObjectReference<IMediaWorker>(engine);
        var registry = client.GetGrain<IMediaWorkerRegistryGrain>(0);
        engine.HoldMediaAfterStalls();
        var registered = false;
        var cpu = new CpuMeter();
        using var timer = new PeriodicTimer(s_period);
        var lastWarning = DateTime.MinValue;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            engine.Housekeeping();
            engine.CpuLoad = cpu.Sample();
            try
            {
                var meetings = engine.Holdings().Select(h => h.MeetingId).ToList();
                if (registered && await registry.HeartbeatAsync(options.Value.WorkerId, engine.ActiveLegs, engine.ActiveMeetings, engine.CpuLoad, meetings))
                {
                    // Still known: nothing moved while the process was frozen (if it was).
                    engine.ReleaseMedia();
                }
                else
                {
                    var generation = await registry.RegisterAsync(engine.Describe(), _reference);
                    if (!registered)
                    {
                        logger.LogInformation("Media worker {WorkerId} registered ({Address}, ports {Min}-{Max}, {Capacity} legs, generation {Generation})",
                            options.Value.WorkerId, options.Value.MediaAddress, options.Value.RtpPortMin, options.Value.RtpPortMax, options.Value.CapacityLegs, generation);
                    }
                    if (engine.Generation != 0 && generation != engine.Generation)
                    {
                        await KeepOnlyConfirmedLegsAsync(generation);
                    }
                    engine.Generation = generation;
                    engine.ReleaseMedia();
                    registered = true;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                registered = false;
                // An unreachable registry cannot have moved our calls: keep serving them.
                engine.ReleaseMedia();
                // Once every 10 s is enough while the silo is away; legs keep running meanwhile.
                if (DateTime.UtcNow - lastWarning > TimeSpan.FromSeconds(10))
                {
                    lastWarning = DateTime.UtcNow;
                    logger.LogWarning("Media worker {WorkerId}: registry unreachable ({Message})", options.Value.WorkerId, e.Message);
                }
            }
        }
    }

    /// <summary>Asks every meeting held here which legs it still places on this worker under the new generation and
    /// releases the others; a meeting that cannot be asked keeps its legs until the next try (nothing is dropped on a
    /// guess).</summary>
    private async Task KeepOnlyConfirmedLegsAsync(long generation)
    {
        foreach (var (meetingId, legs) in engine.Holdings())
        {
            var kept = (await client.GetGrain<IMeetingMediaGrain>(meetingId).ConfirmLegsAsync(options.Value.WorkerId, generation, legs)).ToHashSet(StringComparer.Ordinal);
            var stale = legs.Where(l => !kept.Contains(l)).ToList();
            foreach (var participantId in stale)
            {
                await engine.ReleaseLegAsync(meetingId, participantId);
            }
            if (stale.Count > 0)
            {
                logger.LogWarning("Media worker {WorkerId}: generation {Generation}; released {Count} legs of meeting {MeetingId} that moved while this worker was declared dead",
                    options.Value.WorkerId, generation, stale.Count, meetingId);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await client.GetGrain<IMediaWorkerRegistryGrain>(0).UnregisterAsync(options.Value.WorkerId).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogDebug(e, "Unregistering failed");
        }
        if (_reference is not null)
        {
            client.DeleteObjectReference<IMediaWorker>(_reference);
        }
        await base.StopAsync(cancellationToken);
    }

    /// <summary>Process CPU since the last sample, as a share of all cores.</summary>
    private sealed class CpuMeter
    {
        private readonly Process _process = Process.GetCurrentProcess();
        private TimeSpan _lastCpu;
        private long _lastTimestamp = Stopwatch.GetTimestamp();

        public double Sample()
        {
            _process.Refresh();
            var cpu = _process.TotalProcessorTime;
            var elapsed = Stopwatch.GetElapsedTime(_lastTimestamp);
            _lastTimestamp = Stopwatch.GetTimestamp();
            var used = cpu - _lastCpu;
            _lastCpu = cpu;
            return elapsed <= TimeSpan.Zero ? 0 : Math.Clamp(used / elapsed / Environment.ProcessorCount, 0, 1);
        }
    }
}
