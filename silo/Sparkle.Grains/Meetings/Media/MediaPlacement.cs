using Sparkle.Grains.Media;

namespace Sparkle.Grains.Meetings.Media;

/// <summary>Where one meeting's media lives: its home worker (the mix everyone hears, the composite, the recording, the
/// layout) and the worker that holds each participant's leg. It asks the registry and keeps each answer for a second (a
/// worker is suspected after a second of silence, so within one the answer would be the same). It decides nothing about
/// signalling: the grain moves calls, this only says where media is and where new media goes.</summary>
internal sealed class MediaPlacement(IGrainFactory grains, Guid meetingId, Func<MeetingState> state)
{
    /// <summary>How long the registry's answer for a worker is reused.</summary>
    public static readonly TimeSpan LookupReuse = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, (WorkerHandle? Handle, DateTimeOffset At)> _lookups = new(StringComparer.Ordinal);
    private Task<WorkerHandle?>? _placing;

    private IMediaWorkerRegistryGrain Registry => grains.GetGrain<IMediaWorkerRegistryGrain>(0);

    public string? HomeId => state().MediaWorkerId;

    /// <summary>The worker holding this participant's leg: its own, or the home for legs placed before spill-over.</summary>
    public string? WorkerIdOf(ParticipantRecord record) => record.WorkerId ?? HomeId;

    /// <summary>Every worker the meeting has media on now, the home first.</summary>
    public IReadOnlyList<string> Span()
    {
        var home = HomeId;
        var legs = state().Participants.Where(p => p.HasLeg).Select(WorkerIdOf).OfType<string>();
        return [.. (home is null ? legs : legs.Prepend(home)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The live worker with this id, or null (dead, draining out of the registry, or never placed).</summary>
    public async Task<WorkerHandle?> ResolveAsync(string? workerId)
    {
        if (workerId is null)
        {
            return null;
        }

        var now = DateTimeOffset.UtcNow;
        if (_lookups.TryGetValue(workerId, out var cached) && now - cached.At < LookupReuse)
        {
            return cached.Handle;
        }

        var handle = await Registry.ResolveAsync(workerId);
        _lookups[workerId] = (handle, now);
        return handle;
    }

    public async Task<IMediaWorker?> HomeAsync() => (await ResolveAsync(HomeId))?.Worker;

    public async Task<IMediaWorker?> WorkerOfAsync(ParticipantRecord record) => (await ResolveAsync(WorkerIdOf(record)))?.Worker;

    /// <summary>Consecutive checks each worker was missing from the registry.</summary>
    private readonly Dictionary<string, int> _missing = new(StringComparer.Ordinal);

    /// <summary>Checks that every worker the meeting has media on is live, and returns those missing from the registry for
    /// <paramref name="checks"/> checks in a row: the safety net for a warning that never came (the registry's silo died
    /// with its memory, or this grain's silo died mid-re-home). A restarted registry learns its workers again within a
    /// heartbeat, so a worker missing that long is gone.</summary>
    public async Task<IReadOnlyList<string>> LongMissingAsync(int checks)
    {
        var gone = new List<string>();
        foreach (var workerId in Span())
        {
            Forget(workerId);
            if (await ResolveAsync(workerId) is not null)
            {
                _missing.Remove(workerId);
            }
            else if ((_missing[workerId] = _missing.GetValueOrDefault(workerId) + 1) >= checks)
            {
                _missing.Remove(workerId);
                gone.Add(workerId);
            }
        }

        return gone;
    }

    /// <summary>Forgets what the registry said about a worker (it was declared dead or is being left).</summary>
    public void Forget(string workerId) => _lookups.Remove(workerId);

    /// <summary>The live home, placing the meeting first when it has none. Concurrent callers (a start's parallel dial-outs)
    /// share one placement. Returns the handle and whether the home is new (its layout must be pushed).</summary>
    public Task<WorkerHandle?> EnsureHomeAsync(int expectedLegs)
    {
        if (_placing is { IsCompleted: false } placing)
        {
            return placing;
        }

        var task = EnsureHomeCoreAsync(expectedLegs);
        _placing = task.IsCompleted ? null : task;
        return task;
    }

    private async Task<WorkerHandle?> EnsureHomeCoreAsync(int expectedLegs)
    {
        if (await ResolveAsync(HomeId) is { } current)
        {
            return current;
        }

        var workerId = await Registry.PlaceAsync(meetingId, expectedLegs);
        return await ResolveAsync(workerId);
    }

    /// <summary>The worker for one more leg: the home while it has room, else a worker the meeting already spans, else a new
    /// one (the registry decides by capacity), linked to the home by a cascade trunk before the leg is made.</summary>
    public async Task<WorkerHandle?> PlaceLegAsync(WorkerHandle home)
    {
        var workerId = await Registry.PlaceLegAsync(meetingId, Span());
        if (workerId is null || workerId == home.WorkerId)
        {
            return workerId is null ? null : home;
        }

        if (await ResolveAsync(workerId) is not { } spoke)
        {
            return null;
        }

        await LinkAsync(home, spoke);
        return spoke;
    }

    /// <summary>Spokes linked (or being linked) to <see cref="_linkedHome"/> by a cascade trunk. In memory: opening a trunk
    /// again replaces it, so a reactivated meeting simply links again. Concurrent placements share one link.</summary>
    private readonly Dictionary<string, Task> _linkedSpokes = new(StringComparer.Ordinal);
    private string? _linkedHome;

    private Task LinkAsync(WorkerHandle home, WorkerHandle spoke)
    {
        if (_linkedHome != home.WorkerId)
        {
            _linkedSpokes.Clear();
            _linkedHome = home.WorkerId;
        }

        if (_linkedSpokes.TryGetValue(spoke.WorkerId, out var linking) && !linking.IsFaulted && !linking.IsCanceled)
        {
            return linking;
        }

        return _linkedSpokes[spoke.WorkerId] = OpenTrunkAsync(home, spoke);
    }

    /// <summary>Opens both ends of the trunk between the home and a spoke and points each at the other.</summary>
    private async Task OpenTrunkAsync(WorkerHandle home, WorkerHandle spoke)
    {
        var homeEnd = await home.Worker.OpenTrunkAsync(new TrunkRequest(meetingId, spoke.WorkerId, Home: true));
        var spokeEnd = await spoke.Worker.OpenTrunkAsync(new TrunkRequest(meetingId, home.WorkerId, Home: false));
        var linked = await home.Worker.ConnectTrunkAsync(meetingId, spoke.WorkerId, spokeEnd)
            & await spoke.Worker.ConnectTrunkAsync(meetingId, home.WorkerId, homeEnd);
        if (!linked)
        {
            throw new InvalidOperationException($"the cascade trunk between {home.WorkerId} and {spoke.WorkerId} did not connect");
        }
    }

    /// <summary>Keeps the trunks in step with the legs: every spoke with legs linked to the current home (after the home
    /// moved, anew), every linked spoke without legs unlinked at both ends (a trunk keeps a meeting alive on a worker).</summary>
    public async Task RelinkAsync()
    {
        if (await ResolveAsync(HomeId) is not { } home)
        {
            return;
        }

        var spokes = Span().Where(w => w != home.WorkerId).ToHashSet(StringComparer.Ordinal);
        if (_linkedHome == home.WorkerId)
        {
            foreach (var idle in _linkedSpokes.Keys.Where(s => !spokes.Contains(s)).ToList())
            {
                _linkedSpokes.Remove(idle);
                await CloseQuietly(home.Worker, idle);
                if (await ResolveAsync(idle) is { } spoke)
                {
                    await CloseQuietly(spoke.Worker, home.WorkerId);
                }
            }
        }

        foreach (var spokeId in spokes)
        {
            if (await ResolveAsync(spokeId) is { } spoke)
            {
                await LinkAsync(home, spoke);
            }
        }
    }

    private async Task CloseQuietly(IMediaWorker worker, string peer)
    {
        try
        {
            await worker.CloseTrunkAsync(meetingId, peer);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The worker is gone or going: its end goes with it.
            _ = e;
        }
    }

    /// <summary>A new home away from <paramref name="leaving"/> (dead or draining): the registry's least-loaded live worker
    /// that is not it, or null when there is none.</summary>
    public async Task<WorkerHandle?> PlaceAwayFromAsync(string leaving, int expectedLegs)
    {
        Forget(leaving);
        var workerId = await Registry.PlaceAwayFromAsync(meetingId, leaving, expectedLegs);
        return await ResolveAsync(workerId);
    }
}
