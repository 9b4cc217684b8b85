using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Serialization.Invocation;
using Orleans.Storage;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Internal;
using Sparkle.Grains.Gateway;
using Sparkle.Grains.Listings;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings.Media;
using Sparkle.Grains.Meetings.Persistence;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Security;
using Sparkle.Grains.Tenants;
using Sparkle.Grains.Usage;

namespace Sparkle.Grains.Meetings;

/// <summary>One meeting (the focus's brain, RFC 4353): stored until a manager deletes it, its live state,
/// its event stream; it places itself on a media worker and drives dial-outs through a SIP gateway.
/// Split by concern: lifecycle here, signalling, live controls and events in the partial files.
/// Reads and the callbacks of the other processes interleave, so a worker or gateway that calls back while
/// the meeting waits on it never deadlocks; each turn still runs alone, and writes queue (SaveAsync).</summary>
[MayInterleave(nameof(MayInterleave))]
public sealed partial class MeetingGrain(
    [PersistentState(stateName: "meeting", storageName: SparkleStorage.Name)] IPersistentState<MeetingState> state,
    ILogger<MeetingGrain> logger)
    : Grain, IMeetingGrain, IMeetingRecordingsGrain, IListedMeetingGrain, IMeetingMediaGrain, IMeetingMediaHost, IRemindable
{
    private const string StartReminder = "scheduled-start";
    private const int MaxParticipantRecords = 1_000;

    private Task _saving = Task.CompletedTask;
    private bool _ending;
    /// <summary>What this activation last wrote to the listing index (null: nothing yet).</summary>
    private MeetingListing? _listed;
    /// <summary>Usage records of the legs that end (quality asked of the worker, record queued for the ledger).</summary>
    private LegUsageRecorder Usage => _usage ??= new(ServiceProvider.GetService<UsageWriter>(), logger);
    private LegUsageRecorder? _usage;

    public static bool MayInterleave(IInvokable request) => request.GetMethodName() is
        nameof(OnMediaEventAsync) or nameof(DialOutProgressAsync) or nameof(LeaveAsync)
        or nameof(GetAsync) or nameof(GetEventsSinceAsync) or nameof(SubscribeAsync) or nameof(UnsubscribeAsync)
        // The recording catalog asks and reports while the meeting may be waiting on it.
        or nameof(GetRecordingAudienceAsync) or nameof(GetSpeakerAsync) or nameof(OnUtteranceRecordedAsync) or nameof(OnRecordingHealthAsync)
        // So does the minutes grain.
        or nameof(GetMinutesAudienceAsync) or nameof(OnMinutesEntryAsync)
        // The catalog's backfill asks while a meeting may be waiting on the catalog.
        or nameof(WriteListingAsync);

    private Guid Id => this.GetPrimaryKey();
    private MeetingState S => state.State;

    private RosterStore? _roster;
    /// <summary>The participants' own rows (roster pages); the state above is the meeting's header row.</summary>
    private RosterStore Roster => _roster ??= new RosterStore(ServiceProvider.GetRequiredKeyedService<IGrainStorage>(SparkleStorage.Name), this.GetGrainId());

    private MediaPlacement? _placement;
    /// <summary>Where the meeting's media is: its home worker and the worker of each leg.</summary>
    private MediaPlacement Placement => _placement ??= new MediaPlacement(GrainFactory, Id, () => S);

    public async Task<MeetingSnapshot> CreateAsync(Caller caller, MeetingSpec spec)
    {
        if (S.Exists)
        {
            await DemandAsync(caller, Operation.ViewMeeting);
            throw new ValidationException("The meeting already exists.");
        }

        var grant = await Access.DemandAsync(GrainFactory, caller.TenantId, caller, Operation.CreateMeeting);
        var clean = CleanSpec(spec);
        var owner = grant.IsUser
            ? caller.UserNumber!
            : clean.Participants.FirstOrDefault(p => p.MeetingRole >= Role.Chair)?.Number ?? "";

        var tenantId = caller.TenantId;
        var number = await GrainFactory.GetGrain<ICatalogMembersGrain>(tenantId)
            .AddMeetingWithMembersAsync(Id, clean.AdHoc, owner, clean.Participants.Select(p => p.Number).ToList());

        var tenant = await GrainFactory.GetGrain<ITenantUsersGrain>(tenantId).FindTenantAsync()
            ?? throw new NotFoundException("No such tenant.");
        var users = GrainFactory.GetGrain<ITenantGrain>(tenantId);
        var roles = await Task.WhenAll(clean.Participants.Select(p => users.GetRoleAsync(p.Number)));

        state.State = new MeetingState
        {
            Exists = true,
            TenantId = tenantId,
            ConferenceNumber = number,
            OwnerNumber = owner,
            Spec = clean,
            Status = MeetingStatus.Scheduled,
            Layout = clean.Layout,
            LayoutMode = clean.LayoutMode,
            CreatedAt = DateTimeOffset.UtcNow,
        };

        // Planned participants are listed as Pending until they are called or call in.
        for (var i = 0; i < clean.Participants.Count; i++)
        {
            var planned = clean.Participants[i];
            var record = NewParticipant(planned.Number, planned.DisplayName, roles[i] is null ? null : planned.Number, planned.MeetingRole, tenant.SipDomains[0]);
            record.State = CallState.Pending;
            S.Participants.Add(record);
        }

        if (clean.ScheduledStart is { } start && start > DateTimeOffset.UtcNow.AddSeconds(1))
        {
            // Reminders survive restarts (PostgreSQL); the meeting starts itself at the planned time.
            await this.RegisterOrUpdateReminder(StartReminder, start - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        }

        Emit(MeetingEventKind.MeetingCreated);
        await SaveAsync();
        return Snapshot();
    }

    public async Task<MeetingSnapshot?> GetAsync(Caller caller)
    {
        if (!S.Exists)
        {
            return null;
        }

        await DemandAsync(caller, Operation.ViewMeeting);
        return Snapshot();
    }

    public async Task<MeetingSnapshot> StartAsync(Caller caller)
    {
        var grant = await DemandAsync(caller, Operation.StartMeeting);
        StartDialling(grant);
        await SaveAsync();
        return Snapshot();
    }

    public async Task EndAsync(Caller caller)
    {
        await DemandAsync(caller, Operation.EndMeeting);
        await EndInternalAsync(except: null);
    }

    public async Task DeleteAsync(Caller caller)
    {
        await DemandAsync(caller, Operation.DeleteMeeting);
        await EndInternalAsync(except: null);
        // Its recordings go with it: keys forgotten, blobs deleted.
        await GrainFactory.GetGrain<Recordings.IRecordingCatalogGrain>(Id).DeleteAllAsync();
        await GrainFactory.GetGrain<ITenantCatalogGrain>(S.TenantId).RemoveMeetingAsync(Id);
        await UnregisterStartReminderAsync();
        Emit(MeetingEventKind.MeetingDeleted);
        await _saving;
        await Roster.ClearAsync(S.RosterPages);
        await state.ClearStateAsync();
        state.State = new MeetingState();
        _observers.Clear();
        DeactivateOnIdle();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await UnregisterStartReminderAsync();
        if (reminderName == StartReminder && S.Exists && S.Status == MeetingStatus.Scheduled)
        {
            logger.LogInformation("Meeting {MeetingId} starts at its scheduled time", Id);
            StartDialling(new Grant(Caller.System(S.TenantId), null, null));
            await SaveAsync();
        }
    }

    /// <summary>Activates the meeting and calls every planned participant who is not in, in parallel,
    /// without waiting: progress comes as events.</summary>
    private void StartDialling(Grant grant)
    {
        if (S.Status == MeetingStatus.Ended)
        {
            throw new ValidationException("The meeting has ended.");
        }

        Activate();
        foreach (var record in S.Participants.Where(p => p.IsGone && p.DialNumber is not null).ToList())
        {
            _ = DialOutAsync(record, grant, checkedAlready: false);
        }
    }

    /// <summary>Scheduled becomes Active (once).</summary>
    private void Activate()
    {
        if (S.Status != MeetingStatus.Scheduled)
        {
            return;
        }

        S.Status = MeetingStatus.Active;
        S.StartedAt = DateTimeOffset.UtcNow;
        Emit(MeetingEventKind.MeetingStarted);
        _ = UnregisterStartReminderIfScheduledAsync();
    }

    /// <summary>Hangs up everybody (but <paramref name="except"/>, who left already), frees the media
    /// worker and marks the meeting ended. The meeting itself is kept.</summary>
    private async Task EndInternalAsync(ParticipantRecord? except)
    {
        if (S.Status == MeetingStatus.Ended || _ending)
        {
            return;
        }

        _ending = true;
        var active = S.Participants.Where(p => p.HasLeg && p != except).ToList();
        await Task.WhenAll(active.Select(HangUpAsync));
        var span = Placement.Span(); // before the legs are marked gone: the spokes are released too
        await Task.WhenAll(active.Select(async r =>
        {
            if (await Placement.WorkerOfAsync(r) is { } legsWorker)
            {
                await Usage.CaptureQualityAsync(legsWorker, Id, r); // usage record (Usage/LegUsageRecorder)
            }
        }));

        foreach (var record in active.Where(p => p.HasLeg))
        {
            MarkDisconnected(record, DisconnectionMethod.Booted, "meeting ended");
        }

        await StopRecordingOnEndAsync();
        foreach (var workerId in span)
        {
            if (await Placement.ResolveAsync(workerId) is { } handle)
            {
                await Safely(() => handle.Worker.ReleaseMeetingAsync(Id), "release the meeting");
            }
        }

        S.Status = MeetingStatus.Ended;
        S.EndedAt = DateTimeOffset.UtcNow;
        _ending = false;
        _activeSpeaker = null;
        _dialGateways.Clear();
        Emit(MeetingEventKind.MeetingEnded);
        await UnregisterStartReminderIfScheduledAsync();
        await SaveAsync();
        // Its number takes no calls any more: out of the live catalog, into the paged history (listing index).
        await Safely(() => GrainFactory.GetGrain<ICatalogMembersGrain>(S.TenantId).RetireMeetingAsync(Id), "retire from the live catalog");
    }

    /// <summary>Only a meeting created with a future start registered the reminder: the others skip the
    /// reminder table look-up (a PostgreSQL query) when they start and end.</summary>
    private Task UnregisterStartReminderIfScheduledAsync() =>
        S.Spec?.ScheduledStart is null ? Task.CompletedTask : UnregisterStartReminderAsync();

    private async Task UnregisterStartReminderAsync()
    {
        try
        {
            if (await this.GetReminder(StartReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Meeting {MeetingId}: could not unregister its start reminder", Id);
        }
    }

    // The media fleet: a worker lost, a worker drained, a worker back from the dead. The moving is LegMover's.

    public async Task OnMediaWorkerLostAsync(string workerId, long generation)
    {
        if (!S.Exists || S.Status != MeetingStatus.Active || string.IsNullOrEmpty(workerId))
        {
            return;
        }

        var left = await Mover.MoveOffAsync(workerId, generation, leavingAlive: false, maxLegs: int.MaxValue);
        if (left > 0)
        {
            logger.LogWarning("Meeting {MeetingId}: {Count} legs stay listed on lost worker {WorkerId} (no live worker took them)", Id, left, workerId);
        }

        await SaveAsync();
    }

    /// <summary>How often the meeting checks that its workers are alive, and how many misses in a row make one lost.</summary>
    private static readonly TimeSpan WorkerCheckPeriod = TimeSpan.FromSeconds(3);
    private const int WorkerMissesForLoss = 2;
    private IGrainTimer? _workerCheck;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await LoadRosterAsync();
        // Reactivated after its silo died (maybe in the middle of a re-home): keep watching the workers it had media on.
        if (S.Exists && S.Status == MeetingStatus.Active && S.Participants.Any(p => p.HasLeg))
        {
            WatchWorkers();
        }

        await base.OnActivateAsync(cancellationToken);
    }

    private async Task LoadRosterAsync()
    {
        if (S.LegacyParticipants is { } legacy)
        {
            // Stored in the header row before roster pages: the next save moves them to pages.
            S.Participants = legacy;
            S.LegacyParticipants = null;
            RosterStore.MarkAllUnsaved(legacy);
        }
        else if (S.RosterPages.Count > 0)
        {
            S.Participants = await Roster.LoadAsync(S.RosterPages);
        }
        else
        {
            // Empty, or read from the older JSON form (which names the list Participants): pages at the next save.
            RosterStore.MarkAllUnsaved(S.Participants);
        }
    }

    private void WatchWorkers() =>
        _workerCheck ??= this.RegisterGrainTimer(CheckWorkersAsync, WorkerCheckPeriod, WorkerCheckPeriod);

    private async Task CheckWorkersAsync()
    {
        if (S.Status != MeetingStatus.Active || !S.Participants.Any(p => p.HasLeg))
        {
            _workerCheck?.Dispose();
            _workerCheck = null;
            return;
        }

        foreach (var lost in await Placement.LongMissingAsync(WorkerMissesForLoss))
        {
            logger.LogWarning("Meeting {MeetingId}: worker {WorkerId} has been missing from the registry; re-homing", Id, lost);
            await OnMediaWorkerLostAsync(lost, long.MaxValue);
        }
    }

    public async Task<int> MoveOffWorkerAsync(string workerId, int maxLegs)
    {
        if (!S.Exists || S.Status != MeetingStatus.Active || string.IsNullOrEmpty(workerId))
        {
            return 0;
        }

        var left = await Mover.MoveOffAsync(workerId, upToGeneration: null, leavingAlive: true, Math.Max(1, maxLegs));
        await SaveAsync();
        return left;
    }

    public async Task<IReadOnlyList<string>> ConfirmLegsAsync(string workerId, long generation, IReadOnlyList<string> participantIds)
    {
        var kept = new List<string>();
        var changed = false;
        foreach (var id in participantIds ?? [])
        {
            if (Find(id) is { HasLeg: true } record && Placement.WorkerIdOf(record) == workerId)
            {
                kept.Add(id);
                // Never moved (no live worker took it while this one was away): it is served under the new generation.
                changed |= record.WorkerGeneration != generation;
                record.WorkerGeneration = generation;
            }
        }

        if (changed)
        {
            await SaveAsync();
        }

        return kept;
    }

    private LegMover? _mover;
    private LegMover Mover => _mover ??= new LegMover(this, Placement, logger);

    Guid IMeetingMediaHost.MeetingId => Id;
    MeetingState IMeetingMediaHost.State => S;

    async Task<bool> IMeetingMediaHost.TenantRequiresSrtpAsync() => (await TenantInfoAsync()).Policies.SrtpRequired;

    async Task<ISipGateway?> IMeetingMediaHost.GatewayOfAsync(ParticipantRecord record) =>
        _dialGateways.GetValueOrDefault(record.Id) ?? await GrainFactory.GetGrain<IGatewayRegistryGrain>(0).PickAsync(record.GatewayId);

    Task IMeetingMediaHost.PushControlAsync(ParticipantRecord record) => PushControlAsync(record);

    Task<WorkerHandle?> IMeetingMediaHost.PlaceLegAsync() => PlaceLegAsync();

    async Task IMeetingMediaHost.HomeMovedAsync(WorkerHandle home, string previous, bool previousAlive)
    {
        logger.LogWarning("Meeting {MeetingId}: home moves from worker {Previous} to {Home}", Id, previous, home.WorkerId);
        await PushLayoutAsync(home.Worker);
        if (!S.Recording)
        {
            return;
        }

        // The recording goes on at the new home as a new recording, once legs are there (a worker records only a meeting
        // it has media for); what the old home sealed is kept (a dead worker loses at most its part in progress).
        _recordingAfterMove = (S.RecordingId is not null, RecordsUtterances(S.Spec?.Recording));
        if (previousAlive && await Placement.ResolveAsync(previous) is { } old)
        {
            await Safely(() => old.Worker.StopRecordingAsync(Id), "stop recording on the worker being left");
        }

        try
        {
            await StopRecordingAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Meeting {MeetingId}: the recording did not stop on the move", Id);
        }
    }

    async Task IMeetingMediaHost.LegsMovedAsync()
    {
        if (_recordingAfterMove is not { } restart || S.Recording || S.Status != MeetingStatus.Active)
        {
            return;
        }

        _recordingAfterMove = null;
        try
        {
            await StartRecordingAsync(restart.WholeMeeting, restart.PerUtterance);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Meeting {MeetingId}: the recording did not restart at the new home", Id);
        }
    }

    /// <summary>A recording stopped by a move, to start again at the new home once legs have moved there.</summary>
    private (bool WholeMeeting, bool PerUtterance)? _recordingAfterMove;

    async Task IMeetingMediaHost.DropAsync(ParticipantRecord record, string reason)
    {
        await HangUpAsync(record);
        await ReleaseLegAsync(record);
        if (record.HasLeg)
        {
            MarkDisconnected(record, DisconnectionMethod.Failed, reason);
        }
    }

    void IMeetingMediaHost.MediaMoved(ParticipantRecord record) => Emit(MeetingEventKind.ParticipantChanged, record);

    /// <summary>Checks the caller against the meeting's tenant with its effective role (tenant role
    /// raised by its meeting role).</summary>
    private Task<Grant> DemandAsync(Caller caller, Operation operation)
    {
        if (!S.Exists)
        {
            throw new NotFoundException("No such meeting.");
        }

        return Access.DemandAsync(GrainFactory, S.TenantId, caller, operation, MeetingRoleOf(caller));
    }

    /// <summary>The caller's role in this meeting: the chair's override, else the plan's role, the
    /// owner chairs; null for non-users and users without one.</summary>
    private Role? MeetingRoleOf(Caller caller)
    {
        if (caller.Kind != CallerKind.User || caller.UserNumber is not { } number)
        {
            return null;
        }

        return MeetingRoleOf(number);
    }

    private Role? MeetingRoleOf(string number)
    {
        if (S.RoleOverrides.TryGetValue(number, out var overridden))
        {
            return overridden;
        }

        Role? role = number == S.OwnerNumber ? Role.Chair : null;
        foreach (var planned in S.Spec?.Participants ?? [])
        {
            if (planned.Number == number && (role is null || planned.MeetingRole > role))
            {
                role = planned.MeetingRole;
            }
        }

        return role;
    }

    private static MeetingSpec CleanSpec(MeetingSpec? spec)
    {
        if (spec is null)
        {
            throw new ValidationException("A meeting spec is required.");
        }

        if (spec.ScheduledStart is { } start && start > DateTimeOffset.UtcNow.AddYears(2))
        {
            throw new ValidationException("Meetings are scheduled at most two years ahead.");
        }

        return spec with
        {
            Title = Validate.Text(spec.Title, "Title", 200),
            Participants = PlanRules.Participants(spec.Participants),
            Layout = Validate.LayoutId(spec.Layout),
            Pin = Validate.Pin(spec.Pin),
            RecordingListeners = spec.RecordingListeners is null ? null : PlanRules.Participants(
                spec.RecordingListeners.Select(n => new PlannedParticipant(n)).ToList()).Select(p => p.Number).ToList(),
        };
    }

    private ParticipantRecord NewParticipant(string? dialNumber, string? displayName, string? userNumber, Role meetingRole, string sipDomain)
    {
        // Keep the history bounded: the oldest departed participants go first.
        while (S.Participants.Count >= MaxParticipantRecords
            && S.Participants.FirstOrDefault(p => p.State == CallState.Disconnected) is { } oldest)
        {
            S.Participants.Remove(oldest);
            Roster.Removed(oldest);
        }

        S.NextParticipant++;
        return new ParticipantRecord
        {
            Id = $"p{S.NextParticipant}",
            Uri = dialNumber is null ? "" : $"sip:{dialNumber}@{sipDomain}",
            DisplayName = displayName,
            UserNumber = userNumber,
            MeetingRole = meetingRole,
            DialNumber = dialNumber,
        };
    }

    private ParticipantRecord? Find(string? participantId) => S.Participants.FirstOrDefault(p => p.Id == participantId);

    private ParticipantRecord Get(string? participantId) =>
        Find(participantId) ?? throw new NotFoundException($"No participant {participantId}.");

    /// <summary>Writes the state; writes queue behind each other, since background dial-outs save too.</summary>
    private Task SaveAsync()
    {
        _saving = SaveAfterAsync(_saving);
        return _saving;
    }

    private async Task SaveAfterAsync(Task previous)
    {
        try
        {
            await previous;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Reported by its own caller; this write still goes.
        }

        if (S.Exists)
        {
            await Roster.SaveAsync(S.Participants, S.RosterPages);
            await state.WriteStateAsync();
            await WriteListingIfChangedAsync();
        }
    }

    public Task WriteListingAsync()
    {
        _listed = null;
        return S.Exists ? WriteListingIfChangedAsync() : Task.CompletedTask;
    }

    /// <summary>The listing row follows the stored state; a failed write is retried at the next save (the row
    /// lags, it never leaks: rights and details always come from this grain).</summary>
    private async Task WriteListingIfChangedAsync()
    {
        var listing = new MeetingListing(S.Spec?.Title ?? "", S.Status, S.CreatedAt);
        if (listing == _listed)
        {
            return;
        }

        try
        {
            await ServiceProvider.ListingIndex().SetMeetingDetailsAsync(S.TenantId, Id, listing);
            _listed = listing;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Meeting {MeetingId}: could not update the listing index", Id);
        }
    }

    /// <summary>How long a call to another process (a gateway or media worker) may hold up this meeting:
    /// a dead process must not stall every participant for the runtime's 30 s response timeout.</summary>
    internal static readonly TimeSpan ExternalCallTimeout = TimeSpan.FromSeconds(5);

    private async Task Safely(Func<Task> action, string what)
    {
        try
        {
            await action().WaitAsync(ExternalCallTimeout);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Meeting {MeetingId}: could not {What}", Id, what);
        }
    }

    private MeetingSnapshot Snapshot() => new(
        Id,
        S.TenantId,
        S.ConferenceNumber,
        S.OwnerNumber,
        S.Spec!,
        S.Status,
        S.Locked,
        S.Recording,
        S.Layout,
        S.LayoutMode,
        S.Participants.Select(ToSnapshot).ToList(),
        S.Version,
        _activeSpeaker,
        S.CreatedAt,
        S.StartedAt,
        S.EndedAt,
        S.MediaWorkerId,
        !S.Recording ? RecordingState.None : S.RecordingDegraded ? RecordingState.Degraded : RecordingState.Recording,
        Placement.Span());

    private static ParticipantSnapshot ToSnapshot(ParticipantRecord p) => new(
        p.Id, p.Uri, p.DisplayName, p.UserNumber, p.MeetingRole, p.State, p.JoiningMethod, p.DisconnectionMethod,
        p.Muted, p.SpeakingAllowed, p.VideoOn, p.VideoAllowed, p.AudioSsrc, p.VideoSsrc, p.Speaking,
        p.JoinedAt, p.LeftAt, p.Slot, p.InLobby);
}
