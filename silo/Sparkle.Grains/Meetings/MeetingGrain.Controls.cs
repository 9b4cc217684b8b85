using Sparkle.Grains.Identity;
using Sparkle.Grains.Media;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Security;

namespace Sparkle.Grains.Meetings;

/// <summary>Live controls: each updates the state, emits its event and reaches the media worker at once.</summary>
public sealed partial class MeetingGrain
{
    private const int MaxSlots = 64;

    public async Task SetMutedAsync(Caller caller, string participantId, bool muted)
    {
        var record = await DemandOnParticipantAsync(caller, participantId, Operation.MuteParticipant, selfMayUnlessRaising: true);
        if (!muted && !record.SpeakingAllowed && await IsSelfOnlyAsync(caller, record, Operation.MuteParticipant))
        {
            throw new AccessDeniedException("Speaking rights were withdrawn by the chair.");
        }

        record.Muted = muted;
        await ParticipantChangedAsync(record);
    }

    public async Task SetVideoAsync(Caller caller, string participantId, bool on)
    {
        var record = await DemandOnParticipantAsync(caller, participantId, Operation.ControlVideo, selfMayUnlessRaising: true);
        if (on && !record.VideoAllowed && await IsSelfOnlyAsync(caller, record, Operation.ControlVideo))
        {
            throw new AccessDeniedException("Video was withdrawn by the chair.");
        }

        record.VideoOn = on;
        await ParticipantChangedAsync(record);
    }

    public async Task SetSpeakingAllowedAsync(Caller caller, string participantId, bool allowed)
    {
        var record = await DemandOnParticipantAsync(caller, participantId, Operation.ControlSpeaking, selfMayUnlessRaising: false);
        record.SpeakingAllowed = allowed;
        await ParticipantChangedAsync(record);
    }

    public async Task SetVideoAllowedAsync(Caller caller, string participantId, bool allowed)
    {
        var record = await DemandOnParticipantAsync(caller, participantId, Operation.ControlVideo, selfMayUnlessRaising: false);
        record.VideoAllowed = allowed;
        await ParticipantChangedAsync(record);
    }

    public async Task SetParticipantRoleAsync(Caller caller, string participantId, Role role)
    {
        var grant = await DemandAsync(caller, Operation.SetParticipantRole);
        Validate.Role(role);
        var record = Get(participantId);
        if (!grant.AtLeast(role) || !grant.AtLeast(record.MeetingRole))
        {
            throw new AccessDeniedException("Nobody changes meeting roles above their own.");
        }

        record.MeetingRole = role;
        if (record.UserNumber is { } number)
        {
            // Takes effect at once for that user's own rights in this meeting.
            S.RoleOverrides[number] = role;
        }

        Emit(MeetingEventKind.ParticipantChanged, record);
        await SaveAsync();
    }

    public async Task SetLayoutAsync(Caller caller, string layoutId)
    {
        await DemandAsync(caller, Operation.SetLayout);
        S.Layout = Validate.LayoutId(layoutId);
        await MeetingChangedAsync("layout", pushLayout: true);
    }

    public async Task SetLayoutModeAsync(Caller caller, LayoutMode mode)
    {
        await DemandAsync(caller, Operation.SetLayout);
        if (!Enum.IsDefined(mode))
        {
            throw new ValidationException("Unknown layout mode.");
        }

        S.LayoutMode = mode;
        await MeetingChangedAsync("layout-mode", pushLayout: true);
    }

    public async Task PlaceInSlotAsync(Caller caller, string participantId, int slot)
    {
        await DemandAsync(caller, Operation.SetLayout);
        if (slot is < 0 or >= MaxSlots)
        {
            throw new ValidationException($"Slots are 0 to {MaxSlots - 1}.");
        }

        var record = Get(participantId);
        if (!record.HasLeg)
        {
            throw new ValidationException("The participant is not in the meeting.");
        }

        foreach (var other in S.Participants.Where(p => p.Slot == slot && p != record))
        {
            other.Slot = null;
            Emit(MeetingEventKind.ParticipantChanged, other);
        }

        record.Slot = slot;
        Emit(MeetingEventKind.ParticipantChanged, record);
        if (await Placement.HomeAsync() is { } worker)
        {
            await PushLayoutAsync(worker);
        }

        await SaveAsync();
    }

    public async Task SetLockedAsync(Caller caller, bool locked)
    {
        await DemandAsync(caller, Operation.LockMeeting);
        S.Locked = locked;
        await MeetingChangedAsync(locked ? "locked" : "unlocked", pushLayout: false);
    }

    /// <summary>Chairs control anyone; a participant may control their own mute/video (never regaining
    /// what the chair withdrew, checked by the caller).</summary>
    private async Task<ParticipantRecord> DemandOnParticipantAsync(Caller caller, string participantId, Operation operation, bool selfMayUnlessRaising)
    {
        if (!S.Exists)
        {
            throw new NotFoundException("No such meeting.");
        }

        var record = Find(participantId);
        var self = selfMayUnlessRaising && record is not null && caller.Kind == CallerKind.User
            && record.UserNumber is not null && record.UserNumber == caller.UserNumber;
        await DemandAsync(caller, self ? Operation.JoinMeeting : operation);
        return record ?? throw new NotFoundException($"No participant {participantId}.");
    }

    /// <summary>True when the caller acts on themselves without the chair's right for the operation.</summary>
    private async Task<bool> IsSelfOnlyAsync(Caller caller, ParticipantRecord record, Operation operation)
    {
        if (caller.Kind != CallerKind.User || record.UserNumber != caller.UserNumber)
        {
            return false;
        }

        try
        {
            await DemandAsync(caller, operation);
            return false;
        }
        catch (AccessDeniedException)
        {
            return true;
        }
    }

    private async Task ParticipantChangedAsync(ParticipantRecord record)
    {
        Emit(MeetingEventKind.ParticipantChanged, record);
        await PushControlAsync(record);
        await SaveAsync();
    }

    private async Task MeetingChangedAsync(string detail, bool pushLayout)
    {
        Emit(MeetingEventKind.MeetingChanged, detail: detail);
        if (pushLayout && await Placement.HomeAsync() is { } worker)
        {
            await PushLayoutAsync(worker);
        }

        await SaveAsync();
    }

    private async Task PushControlAsync(ParticipantRecord record)
    {
        if (!record.HasLeg || await Placement.WorkerOfAsync(record) is not { } worker)
        {
            return;
        }

        // The lobby is enforced in the worker: not mixed, and sent no mix.
        var control = new LegControl(record.Muted || record.InLobby, record.SpeakingAllowed, record.VideoOn, record.VideoAllowed,
            Listening: !record.InLobby);
        await Safely(() => worker.ControlLegAsync(Id, record.Id, control), "control a leg");
    }

    private async Task PushLayoutAsync(IMediaWorker worker)
    {
        var placed = S.Participants.Where(p => p.Slot is not null && p.HasLeg).ToList();
        var placements = new string?[placed.Count == 0 ? 0 : placed.Max(p => p.Slot!.Value) + 1];
        foreach (var p in placed)
        {
            placements[p.Slot!.Value] = p.Id;
        }

        var layout = new VideoLayoutControl(S.Layout, S.LayoutMode == LayoutMode.Automatic, placements);
        await Safely(() => worker.SetLayoutAsync(Id, layout), "set the layout");
    }
}
