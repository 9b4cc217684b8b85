using Microsoft.Extensions.Logging;
using Sparkle.Grains.Identity;

namespace Sparkle.Grains.Media;

/// <summary>Live media workers, in memory: workers heartbeat every second and register again when a
/// heartbeat returns false (after a silo restart or when they were dropped for silence).
/// Draining is an operator's mark kept by worker id beside the entries, so that it survives a worker's
/// re-registration; like the rest of the registry it lives in memory (a new activation starts with none
/// draining). Draining only stops new placements: meetings already on the worker move by the meeting
/// grain's re-home path.</summary>
public sealed class MediaWorkerRegistryGrain(ILogger<MediaWorkerRegistryGrain> logger) : Grain, IMediaWorkerRegistryGrain
{
    /// <summary>A worker not heard of for this long is dropped.</summary>
    public static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, WorkerEntry> _workers = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, string> _placements = [];
    private readonly HashSet<string> _draining = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(DropSilentWorkers, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    public Task RegisterAsync(MediaWorkerInfo info, IMediaWorker worker)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(worker);
        if (string.IsNullOrWhiteSpace(info.WorkerId) || info.CapacityLegs <= 0)
        {
            throw new ArgumentException("A worker needs an id and a positive capacity.");
        }

        // The worker does not say whether it drains: the operator's mark does.
        _workers[info.WorkerId] = new WorkerEntry(info with { LastSeen = DateTimeOffset.UtcNow, Draining = _draining.Contains(info.WorkerId) }, worker);
        logger.LogInformation("Media worker {WorkerId} registered at {Address} for {Capacity} legs", info.WorkerId, info.MediaAddress, info.CapacityLegs);
        return Task.CompletedTask;
    }

    public Task<bool> HeartbeatAsync(string workerId, int activeLegs, int meetings, double cpuLoad)
    {
        if (!_workers.TryGetValue(workerId ?? "", out var entry))
        {
            return Task.FromResult(false);
        }

        entry.Info = entry.Info with { ActiveLegs = Math.Max(0, activeLegs), Meetings = Math.Max(0, meetings), CpuLoad = cpuLoad, LastSeen = DateTimeOffset.UtcNow };
        entry.Reserved = 0; // the worker's own count now includes what was placed on it
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

        var legs = Math.Max(1, expectedLegs);
        var best = _workers.Values
            .Where(w => IsLive(w, now) && !w.Info.Draining && w.Info.ActiveLegs + w.Reserved + legs <= w.Info.CapacityLegs)
            .OrderBy(w => (double)(w.Info.ActiveLegs + w.Reserved) / w.Info.CapacityLegs)
            .ThenBy(w => w.Info.CpuLoad)
            .ThenBy(w => w.Info.WorkerId, StringComparer.Ordinal)
            .FirstOrDefault();
        if (best is null)
        {
            return Task.FromResult<string?>(null);
        }

        // Count the legs until the worker's next heartbeat, so a burst of meetings spreads out.
        best.Reserved += legs;
        _placements[meetingId] = best.Info.WorkerId;
        return Task.FromResult<string?>(best.Info.WorkerId);
    }

    public Task<IMediaWorker?> GetWorkerAsync(string workerId) =>
        Task.FromResult(_workers.TryGetValue(workerId ?? "", out var entry) && IsLive(entry, DateTimeOffset.UtcNow) ? entry.Worker : null);

    public Task<IReadOnlyList<MediaWorkerInfo>> ListAsync() =>
        Task.FromResult<IReadOnlyList<MediaWorkerInfo>>(_workers.Values.Select(w => w.Info).OrderBy(i => i.WorkerId, StringComparer.Ordinal).ToList());

    public Task<MediaWorkerInfo> SetDrainingAsync(string workerId, bool draining)
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

        entry.Info = entry.Info with { Draining = draining };
        return Task.FromResult(entry.Info);
    }

    private Task DropSilentWorkers()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var entry in _workers.Values.Where(w => !IsLive(w, now)).ToList())
        {
            _workers.Remove(entry.Info.WorkerId);
            logger.LogWarning("Media worker {WorkerId} dropped: silent since {LastSeen}", entry.Info.WorkerId, entry.Info.LastSeen);
        }

        foreach (var meeting in _placements.Where(p => !_workers.ContainsKey(p.Value)).Select(p => p.Key).ToList())
        {
            _placements.Remove(meeting);
        }

        return Task.CompletedTask;
    }

    private static bool IsLive(WorkerEntry entry, DateTimeOffset now) => now - entry.Info.LastSeen <= DeadAfter;

    private sealed class WorkerEntry(MediaWorkerInfo info, IMediaWorker worker)
    {
        public MediaWorkerInfo Info { get; set; } = info;
        public IMediaWorker Worker { get; } = worker;
        public int Reserved { get; set; }
    }
}
