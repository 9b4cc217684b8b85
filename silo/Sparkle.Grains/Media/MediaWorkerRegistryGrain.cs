using Microsoft.Extensions.Logging;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;

namespace Sparkle.Grains.Media;

/// <summary>Live media workers, in memory: workers heartbeat every half second and register again when a heartbeat
/// returns false (after a silo restart or when they were declared dead).
/// A worker silent for <see cref="SuspectAfter"/> is probed at once; one that does not answer the probe, or stays silent
/// for <see cref="DeadAfter"/> anyway, is declared dead, and every meeting it had media for is told, so that the meeting
/// re-homes its legs. Declaring a worker dead raises its generation: a worker that comes back (a paused VM) learns it from
/// its next registration and keeps only the legs its meetings still place on it.
/// Draining is an operator's mark kept by worker id beside the entries, so that it survives a worker's re-registration;
/// like the rest of the registry it lives in memory (a new activation starts with none draining). A draining worker gets
/// no new meetings, and the registry moves its meetings off by the meetings' re-home path, a few legs at a time.</summary>
public sealed class MediaWorkerRegistryGrain(ILogger<MediaWorkerRegistryGrain> logger) : Grain, IMediaWorkerRegistryGrain
{
    /// <summary>Silence after which a worker is probed (two missed heartbeats).</summary>
    public static readonly TimeSpan SuspectAfter = TimeSpan.FromSeconds(1);
    /// <summary>How long a probe may take: a process killed outright refuses at once, a paused one never answers.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);
    /// <summary>A worker not heard of for this long is dropped even when it answers probes.</summary>
    public static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, WorkerEntry> _workers = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, string> _placements = [];
    /// <summary>The generation of every worker id declared dead or replaced, so that its return is fenced.</summary>
    private readonly Dictionary<string, long> _retired = new(StringComparer.Ordinal);
    private readonly HashSet<string> _draining = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(CheckSilentWorkersAsync, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
        return Task.CompletedTask;
    }

    public Task<long> RegisterAsync(MediaWorkerInfo info, IMediaWorker worker)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(worker);
        if (string.IsNullOrWhiteSpace(info.WorkerId) || info.CapacityLegs <= 0)
        {
            throw new ArgumentException("A worker needs an id and a positive capacity.");
        }

        long generation;
        if (_workers.TryGetValue(info.WorkerId, out var known) && known.Info.InstanceId == info.InstanceId)
        {
            generation = known.Info.Generation; // registering twice in a row changes nothing
        }
        else if (known is not null)
        {
            // Another process under the same id: its predecessor and the predecessor's legs are gone.
            Retire(known, "replaced by a new instance");
            generation = _retired[info.WorkerId] + 1;
        }
        else if (_retired.TryGetValue(info.WorkerId, out var retired))
        {
            generation = retired + 1; // declared dead and back: its legs were moved
        }
        else
        {
            // Unknown: a new worker, or this registry restarted and forgot it (then it keeps the generation it had, and
            // the meetings still place its legs under it).
            generation = Math.Max(1, info.Generation);
        }

        // The worker does not say whether it drains: the operator's mark does.
        _workers[info.WorkerId] = new WorkerEntry(info with
        {
            LastSeen = DateTimeOffset.UtcNow, Generation = generation, Draining = _draining.Contains(info.WorkerId),
        }, worker);
        logger.LogInformation("Media worker {WorkerId} registered at {Address} for {Capacity} legs (generation {Generation})",
            info.WorkerId, info.MediaAddress, info.CapacityLegs, generation);
        return Task.FromResult(generation);
    }

    public Task<bool> HeartbeatAsync(string workerId, int activeLegs, int meetings, double cpuLoad, IReadOnlyList<Guid>? meetingIds = null)
    {
        if (!_workers.TryGetValue(workerId ?? "", out var entry))
        {
            return Task.FromResult(false);
        }

        entry.Info = entry.Info with { ActiveLegs = Math.Max(0, activeLegs), Meetings = Math.Max(0, meetings), CpuLoad = cpuLoad, LastSeen = DateTimeOffset.UtcNow };
        entry.Reserved = 0; // the worker's own count now includes what was placed on it
        entry.Suspected = false;
        if (meetingIds is not null)
        {
            entry.MeetingIds = [.. meetingIds.Take(100_000)];
        }

        return Task.FromResult(true);
    }

    public Task UnregisterAsync(string workerId)
    {
        if (_workers.Remove(workerId ?? ""))
        {
            logger.LogInformation("Media worker {WorkerId} unregistered", workerId);
        }

        return Task.CompletedTask;
    }

    public Task<string?> PlaceAsync(Guid meetingId, int expectedLegs)
    {
        var now = DateTimeOffset.UtcNow;
        if (_placements.TryGetValue(meetingId, out var placed) && _workers.TryGetValue(placed, out var current) && IsLive(current, now))
        {
            return Task.FromResult<string?>(placed);
        }

        return Task.FromResult(Place(meetingId, expectedLegs, leaving: null));
    }

    public Task<string?> PlaceAwayFromAsync(Guid meetingId, string leaving, int expectedLegs) =>
        Task.FromResult(Place(meetingId, expectedLegs, leaving));

    private string? Place(Guid meetingId, int expectedLegs, string? leaving)
    {
        var now = DateTimeOffset.UtcNow;
        var legs = Math.Max(1, expectedLegs);
        var best = _workers.Values
            .Where(w => IsLive(w, now) && !w.Info.Draining && w.Info.WorkerId != leaving && w.Info.ActiveLegs + w.Reserved + legs <= w.Info.CapacityLegs)
            .OrderBy(w => (double)(w.Info.ActiveLegs + w.Reserved) / w.Info.CapacityLegs)
            .ThenBy(w => w.Info.CpuLoad)
            .ThenBy(w => w.Info.WorkerId, StringComparer.Ordinal)
            .FirstOrDefault();
        if (best is null)
        {
            return null;
        }

        // Count the legs until the worker's next heartbeat, so a burst of meetings spreads out.
        best.Reserved += legs;
        best.MeetingIds.Add(meetingId);
        _placements[meetingId] = best.Info.WorkerId;
        return best.Info.WorkerId;
    }

    public Task<string?> PlaceLegAsync(Guid meetingId, IReadOnlyList<string> workers)
    {
        var now = DateTimeOffset.UtcNow;
        var chosen = (workers ?? []).Select(id => _workers.GetValueOrDefault(id)).OfType<WorkerEntry>()
            .FirstOrDefault(w => IsLive(w, now) && !w.Info.Draining && HasRoom(w, 1))
            ?? _workers.Values.Where(w => IsLive(w, now) && !w.Info.Draining && HasRoom(w, 1))
                .OrderBy(w => (double)(w.Info.ActiveLegs + w.Reserved) / w.Info.CapacityLegs)
                .ThenBy(w => w.Info.CpuLoad)
                .ThenBy(w => w.Info.WorkerId, StringComparer.Ordinal)
                .FirstOrDefault();
        if (chosen is null)
        {
            return Task.FromResult<string?>(null);
        }

        chosen.Reserved += 1;
        chosen.MeetingIds.Add(meetingId);
        return Task.FromResult<string?>(chosen.Info.WorkerId);
    }

    private static bool HasRoom(WorkerEntry worker, int legs) => worker.Info.ActiveLegs + worker.Reserved + legs <= worker.Info.CapacityLegs;

    public Task<IMediaWorker?> GetWorkerAsync(string workerId) =>
        Task.FromResult(_workers.TryGetValue(workerId ?? "", out var entry) && IsLive(entry, DateTimeOffset.UtcNow) ? entry.Worker : null);

    public Task<WorkerHandle?> ResolveAsync(string workerId) =>
        Task.FromResult(_workers.TryGetValue(workerId ?? "", out var entry) && IsLive(entry, DateTimeOffset.UtcNow)
            ? new WorkerHandle(entry.Info.WorkerId, entry.Worker, entry.Info.Generation)
            : null);

    public Task<IReadOnlyList<MediaWorkerInfo>> ListAsync() =>
        Task.FromResult<IReadOnlyList<MediaWorkerInfo>>(_workers.Values.Select(w => w.Info).OrderBy(i => i.WorkerId, StringComparer.Ordinal).ToList());

    public Task<MediaWorkerInfo> SetDrainingAsync(string workerId, bool draining, int legsPerSecond = DefaultDrainPace)
    {
        if (!_workers.TryGetValue(workerId ?? "", out var entry))
        {
            throw new NotFoundException($"No media worker '{workerId}' is registered.");
        }

        if (draining && !entry.Info.Draining)
        {
            var now = DateTimeOffset.UtcNow;
            if (!_workers.Values.Any(w => w != entry && IsLive(w, now) && !w.Info.Draining))
            {
                throw ValidationException.WithCode(ValidationCodes.LastWorker,
                    $"Media worker '{entry.Info.WorkerId}' is the last live worker taking meetings: start or undrain another before draining it.");
            }
        }

        if (draining)
        {
            _draining.Add(entry.Info.WorkerId);
        }
        else
        {
            _draining.Remove(entry.Info.WorkerId);
        }

        if (entry.Info.Draining != draining)
        {
            logger.LogInformation("Media worker {WorkerId} {State}", entry.Info.WorkerId, draining ? "draining: no new meetings" : "back in service");
        }

        var started = draining && !entry.Info.Draining;
        entry.Info = entry.Info with { Draining = draining };
        if (started)
        {
            // Not awaited: the operator's call returns at once; the moves go on at the pace asked.
            _ = DrainAsync(entry, Math.Clamp(legsPerSecond, 1, 1000));
        }

        return Task.FromResult(entry.Info);
    }

    /// <summary>Legs a drain moves per meeting and per second when the operator does not say.</summary>
    public const int DefaultDrainPace = 5;

    /// <summary>Moves every meeting with media on a draining worker off it by the meetings' re-home path (new legs elsewhere,
    /// a re-INVITE per call), <paramref name="legsPerSecond"/> legs of a meeting per second, until the worker is empty or is
    /// put back in service. The worker can then be stopped with no call dropped.</summary>
    private async Task DrainAsync(WorkerEntry entry, int legsPerSecond)
    {
        var workerId = entry.Info.WorkerId;
        var meetings = entry.MeetingIds.Concat(_placements.Where(p => p.Value == workerId).Select(p => p.Key)).Distinct().ToList();
        logger.LogInformation("Draining media worker {WorkerId}: {Count} meetings, {Pace} legs a second each", workerId, meetings.Count, legsPerSecond);
        var moved = 0;
        foreach (var meetingId in meetings)
        {
            while (_draining.Contains(workerId))
            {
                int left;
                try
                {
                    left = await GrainFactory.GetGrain<IMeetingMediaGrain>(meetingId).MoveOffWorkerAsync(workerId, legsPerSecond);
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Draining {WorkerId}: meeting {MeetingId} did not move", workerId, meetingId);
                    break;
                }

                if (left == 0)
                {
                    moved++;
                    break;
                }

                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        logger.LogInformation("Media worker {WorkerId} drained: {Moved} of {Count} meetings moved off", workerId, moved, meetings.Count);
    }

    private Task CheckSilentWorkersAsync()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var entry in _workers.Values.ToList())
        {
            var silence = now - entry.Info.LastSeen;
            if (silence > DeadAfter)
            {
                Retire(entry, $"silent since {entry.Info.LastSeen:O}");
            }
            else if (silence > SuspectAfter && !entry.Suspected)
            {
                entry.Suspected = true;
                // Not awaited: the registry keeps answering heartbeats and placements while the probe runs.
                _ = ProbeAsync(entry);
            }
        }

        return Task.CompletedTask;
    }

    private async Task ProbeAsync(WorkerEntry entry)
    {
        string? failure = null;
        try
        {
            await entry.Worker.PingAsync().WaitAsync(ProbeTimeout);
        }
        catch (Exception e)
        {
            failure = e is TimeoutException ? "no answer to a probe" : $"probe failed: {e.GetType().Name}";
        }

        // Still the same registration, still silent: a heartbeat that arrived meanwhile clears the suspicion.
        if (failure is not null && entry.Suspected && _workers.TryGetValue(entry.Info.WorkerId, out var current) && current == entry)
        {
            Retire(entry, failure);
        }
    }

    /// <summary>Declares the worker dead: it is dropped, its generation retired, and every meeting it had media for is told.</summary>
    private void Retire(WorkerEntry entry, string why)
    {
        var id = entry.Info.WorkerId;
        _workers.Remove(id);
        _retired[id] = Math.Max(entry.Info.Generation, _retired.GetValueOrDefault(id));
        var meetings = entry.MeetingIds.Concat(_placements.Where(p => p.Value == id).Select(p => p.Key)).ToHashSet();
        foreach (var meeting in meetings)
        {
            if (_placements.GetValueOrDefault(meeting) == id)
            {
                _placements.Remove(meeting);
            }
        }

        logger.LogWarning("Media worker {WorkerId} (generation {Generation}) declared dead: {Why}; re-homing {Meetings} meetings",
            id, entry.Info.Generation, why, meetings.Count);
        foreach (var meeting in meetings)
        {
            _ = WarnAsync(meeting, id, entry.Info.Generation);
        }
    }

    private async Task WarnAsync(Guid meetingId, string workerId, long generation)
    {
        try
        {
            await GrainFactory.GetGrain<IMeetingMediaGrain>(meetingId).OnMediaWorkerLostAsync(workerId, generation);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Meeting {MeetingId} could not be told that worker {WorkerId} is lost", meetingId, workerId);
        }
    }

    private static bool IsLive(WorkerEntry entry, DateTimeOffset now) => now - entry.Info.LastSeen <= DeadAfter;

    private sealed class WorkerEntry(MediaWorkerInfo info, IMediaWorker worker)
    {
        public MediaWorkerInfo Info { get; set; } = info;
        public IMediaWorker Worker { get; } = worker;
        public int Reserved { get; set; }
        /// <summary>Silent past <see cref="SuspectAfter"/> and being probed.</summary>
        public bool Suspected { get; set; }
        /// <summary>Meetings with media on it: from its heartbeats, and those placed on it since.</summary>
        public HashSet<Guid> MeetingIds { get; set; } = [];
    }
}
