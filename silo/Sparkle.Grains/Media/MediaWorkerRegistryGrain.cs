using Microsoft.Extensions.Logging;
using Sparkle.Grains.Media;

namespace Sparkle.Grains.Media;

/// <summary>Live media workers, in memory: workers heartbeat every second and register again when a
/// heartbeat returns false (after a silo restart or when they were dropped for silence).</summary>
public sealed class MediaWorkerRegistryGrain(ILogger<MediaWorkerRegistryGrain> logger) : Grain, IMediaWorkerRegistryGrain
{
    /// <summary>A worker not heard of for this long is dropped.</summary>
    public static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, WorkerEntry> _workers = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, string> _placements = [];

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

        _workers[info.WorkerId] = new WorkerEntry(info with { LastSeen = DateTimeOffset.UtcNow }, worker);
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
            .Where(w => IsLive(w, now) && w.Info.ActiveLegs + w.Reserved + legs <= w.Info.CapacityLegs)
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
