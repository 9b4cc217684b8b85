using Microsoft.Extensions.Logging;
using Sparkle.Grains.Gateway;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Internal;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings.Signalling;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Security;
using Sparkle.Grains.Tenants;

namespace Sparkle.Grains.Meetings;

/// <summary>Signalling: dial-ins from the gateway, dial-outs through it, and the media legs behind both.</summary>
public sealed partial class MeetingGrain
{
    private const int MaxLiveParticipants = Admission.MaxLiveParticipants;

    /// <summary>The gateway each dial-out went through (in memory: a restarted gateway forgets its dialogs anyway).</summary>
    private readonly Dictionary<string, ISipGateway> _dialGateways = new(StringComparer.Ordinal);
    /// <summary>The worker's SDP per dial-in Call-ID, so a retransmitted INVITE gets the same answer.</summary>
    private readonly Dictionary<string, string> _localSdpByCallId = new(StringComparer.Ordinal);

    public async Task<JoinResult> JoinAsync(Caller caller, JoinRequest request)
    {
        if (!S.Exists)
        {
            return new JoinResult(JoinRefusal.NotFound, null, null, "no such meeting");
        }

        Grant grant;
        try
        {
            grant = await DemandAsync(caller, Operation.JoinMeeting);
        }
        catch (NotFoundException)
        {
            return new JoinResult(JoinRefusal.NotFound, null, null, "no such meeting");
        }
        catch (AccessDeniedException e)
        {
            return new JoinResult(JoinRefusal.Forbidden, null, null, e.Message);
        }

        if ((Admission.CheckRequest(request, grant, caller) ?? Admission.CheckMeeting(S)) is { } refused)
        {
            return refused;
        }

        var userNumber = request.UserNumber ?? (grant.IsUser ? caller.UserNumber : null);
        var existing = S.Participants.FirstOrDefault(p => p.CallId == request.CallId && p.HasLeg);
        if (existing is not null && _localSdpByCallId.TryGetValue(request.CallId, out var sameAnswer))
        {
            return new JoinResult(JoinRefusal.None, existing.Id, sameAnswer);
        }

        var tenant = await TenantInfoAsync();
        if (Admission.CheckPolicies(request, tenant.Policies, S) is { } refusedByPolicy)
        {
            return refusedByPolicy;
        }

        // A planned participant calling in takes their planned place; anyone else gets a new one.
        var record = userNumber is null
            ? null
            : S.Participants.FirstOrDefault(p => p.IsGone && (p.UserNumber == userNumber || p.DialNumber == userNumber));
        var isNew = record is null;
        var previousState = record?.State ?? CallState.Pending;
        record ??= NewParticipant(null, request.DisplayName, userNumber, Role.Participant, tenant.SipDomains[0]);
        record.Uri = string.IsNullOrWhiteSpace(request.Uri) ? $"sip:{userNumber}@{tenant.SipDomains[0]}" : request.Uri.Trim();
        record.DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? record.DisplayName : request.DisplayName.Trim();
        if (string.IsNullOrWhiteSpace(record.DisplayName) && userNumber is not null)
        {
            // Many phones send no display name: show the directory's on video tiles and in the event package.
            record.DisplayName = (await GrainFactory.GetGrain<IUserGrain>(UserKey.For(S.TenantId, userNumber))
                .GetAsync(Caller.System(S.TenantId)))?.DisplayName;
        }
        record.UserNumber = userNumber ?? record.UserNumber;
        record.MeetingRole = (userNumber is null ? null : MeetingRoleOf(userNumber)) ?? Role.Participant;
        record.CallId = request.CallId;
        record.GatewayId = request.GatewayId;
        record.JoiningMethod = JoiningMethod.DialedIn;
        record.DisconnectionMethod = null;
        record.LeftAt = null;
        record.State = CallState.DialingIn;
        if (isNew)
        {
            S.Participants.Add(record);
        }

        var placed = await PlaceLegAsync();
        if (placed is null)
        {
            Abandon(record, isNew, previousState);
            return new JoinResult(JoinRefusal.NoMediaWorker, null, null, "no media worker available");
        }

        var worker = placed.Worker;

        LegAllocation allocation;
        try
        {
            allocation = await worker.AllocateLegAsync(
                new LegRequest(Id, record.Id, request.RemoteSdp, tenant.Policies.SrtpRequired, record.DisplayName, request.WebRtc));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Meeting {MeetingId}: the media worker failed to allocate a leg", Id);
            Abandon(record, isNew, previousState);
            return new JoinResult(JoinRefusal.NoMediaWorker, null, null, "the media worker is unavailable");
        }

        if (!allocation.Ok || allocation.LocalSdp is null)
        {
            Abandon(record, isNew, previousState);
            return new JoinResult(JoinRefusal.NotAcceptable, null, null, allocation.Error ?? "media not acceptable", allocation.ErrorCode);
        }

        if (S.Status == MeetingStatus.Ended || record.State != CallState.DialingIn)
        {
            // Ended or removed while the leg was being made.
            await Safely(() => worker.ReleaseLegAsync(Id, record.Id), "release a leg");
            return new JoinResult(JoinRefusal.Ended, null, null, "the meeting has ended");
        }

        PlacedOn(record, placed, allocation, request.WebRtc);
        record.JoinedAt = DateTimeOffset.UtcNow;
        // With an offer the answer is final; an offerless INVITE completes in the ACK.
        record.State = request.RemoteSdp is null ? CallState.DialingIn : CallState.Connected;
        record.InLobby = NeedsPin(record);
        if (record.InLobby)
        {
            OpenPinEntry(record);
        }

        _localSdpByCallId[request.CallId] = allocation.LocalSdp;
        Activate();
        Emit(isNew ? MeetingEventKind.ParticipantAdded : MeetingEventKind.ParticipantChanged, record);
        await PushControlAsync(record);
        await SaveAsync();
        MediaCameUp();
        return new JoinResult(JoinRefusal.None, record.Id, allocation.LocalSdp);
    }

    public async Task CompleteJoinAsync(Caller caller, string participantId, string remoteSdp)
    {
        await DemandSystemAsync(caller);
        var record = Get(participantId);
        if (record.State != CallState.DialingIn)
        {
            return;
        }

        await CompleteLegAsync(record, remoteSdp);
    }

    public async Task<string?> RenegotiateAsync(Caller caller, string participantId, string remoteSdp)
    {
        await DemandSystemAsync(caller);
        var record = Get(participantId);
        if (!record.HasLeg || string.IsNullOrEmpty(remoteSdp) || await Placement.WorkerOfAsync(record) is not { } worker)
        {
            return null;
        }

        LegAllocation allocation;
        try
        {
            allocation = await worker.RenegotiateLegAsync(Id, record.Id, remoteSdp);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Meeting {MeetingId}: re-INVITE of {ParticipantId} failed at the worker", Id, participantId);
            return null;
        }

        if (!allocation.Ok)
        {
            return null;
        }

        // RFC 3264 §8.4: a sendonly or inactive offer puts the stream on hold.
        var onHold = remoteSdp.Contains("a=sendonly", StringComparison.Ordinal) || remoteSdp.Contains("a=inactive", StringComparison.Ordinal);
        var newState = onHold ? CallState.OnHold : CallState.Connected;
        if (record.State != newState && record.State is CallState.Connected or CallState.OnHold)
        {
            record.State = newState;
            Emit(MeetingEventKind.ParticipantChanged, record);
            await SaveAsync();
        }

        return allocation.LocalSdp;
    }

    public async Task LeaveAsync(Caller caller, string participantId, DisconnectionMethod method)
    {
        var grant = await DemandAsync(caller, Operation.JoinMeeting);
        var record = Find(participantId);
        if (record is null || !record.HasLeg)
        {
            return; // a late or repeated BYE
        }

        if (grant.IsUser && record.UserNumber != caller.UserNumber)
        {
            throw new AccessDeniedException("Only the participant leaves by themselves.");
        }

        await ReleaseLegAsync(record);
        MarkDisconnected(record, Enum.IsDefined(method) ? method : DisconnectionMethod.Departed, null);

        // RFC 4579 ad-hoc conferences live as long as their creator.
        if (S.Spec?.AdHoc == true && record.UserNumber is not null && record.UserNumber == S.OwnerNumber)
        {
            await EndInternalAsync(except: record);
            return;
        }

        await SaveAsync();
    }

    public async Task DialOutProgressAsync(Caller caller, string participantId, int statusCode, string? remoteSdp)
    {
        await DemandSystemAsync(caller);
        var record = Find(participantId);
        if (record is null || record.State is not (CallState.DialingOut or CallState.Alerting))
        {
            return; // late progress of a call that is over
        }

        if (statusCode is >= 180 and < 200)
        {
            if (record.State != CallState.Alerting)
            {
                record.State = CallState.Alerting;
                Emit(MeetingEventKind.ParticipantChanged, record);
            }

            return;
        }

        if (statusCode < 180)
        {
            return;
        }

        if (statusCode < 300)
        {
            if (string.IsNullOrEmpty(remoteSdp))
            {
                await HangUpAsync(record);
                await ReleaseLegAsync(record);
                MarkDisconnected(record, DisconnectionMethod.Failed, "2xx without an SDP answer");
                await SaveAsync();
                return;
            }

            await CompleteLegAsync(record, remoteSdp);
            return;
        }

        await ReleaseLegAsync(record);
        var busy = statusCode is 486 or 600 or 603;
        MarkDisconnected(record, busy ? DisconnectionMethod.Busy : DisconnectionMethod.Failed, $"SIP {statusCode}");
        await SaveAsync();
    }

    public async Task<string> InviteAsync(Caller caller, PlannedParticipant who)
    {
        var grant = await DemandAsync(caller, Operation.InviteParticipant);
        if (S.Status == MeetingStatus.Ended)
        {
            throw new ValidationException("The meeting has ended.");
        }

        if (who is null)
        {
            throw new ValidationException("Whom to invite?");
        }

        var number = Validate.Dialable(who.Number);
        Validate.Role(who.MeetingRole);
        if (!grant.AtLeast(who.MeetingRole))
        {
            throw new AccessDeniedException("Nobody grants a meeting role above their own.");
        }

        if (!await MayDialAsync(grant, number))
        {
            throw new AccessDeniedException($"Dialling {number} is not allowed.");
        }

        var live = S.Participants.FirstOrDefault(p => p.DialNumber == number && p.HasLeg);
        if (live is not null)
        {
            return live.Id;
        }

        var tenant = await TenantInfoAsync();
        var isUser = await GrainFactory.GetGrain<ITenantGrain>(S.TenantId).GetRoleAsync(number) is not null;
        var record = S.Participants.FirstOrDefault(p => p.IsGone && p.DialNumber == number);
        var isNew = record is null;
        record ??= NewParticipant(number, who.DisplayName, isUser ? number : null, who.MeetingRole, tenant.SipDomains[0]);
        record.DisplayName = Validate.OptionalText(who.DisplayName, "Display name", 200) ?? record.DisplayName;
        record.MeetingRole = who.MeetingRole;
        if (isNew)
        {
            S.Participants.Add(record);
            // Subscribers learn of a new participant before its dialling progress.
            Emit(MeetingEventKind.ParticipantAdded, record);
        }

        Activate();
        _ = DialOutAsync(record, grant, checkedAlready: true);
        if (isNew)
        {
            // Invited users see the meeting in their list.
            await GrainFactory.GetGrain<ICatalogMembersGrain>(S.TenantId).SetMeetingMembersAsync(Id, S.OwnerNumber,
                S.Participants.Select(p => p.UserNumber ?? p.DialNumber).OfType<string>().ToList());
        }

        await SaveAsync();
        return record.Id;
    }

    public async Task RemoveAsync(Caller caller, string participantId)
    {
        await DemandAsync(caller, Operation.RemoveParticipant);
        var record = Get(participantId);
        if (!record.HasLeg)
        {
            return;
        }

        await HangUpAsync(record);
        await ReleaseLegAsync(record);
        MarkDisconnected(record, DisconnectionMethod.Booted, "removed");
        await SaveAsync();
    }

    /// <summary>Calls one participant: a worker leg with the worker's offer, then the INVITE through a
    /// gateway. Runs in the background; every outcome becomes an event.</summary>
    private async Task DialOutAsync(ParticipantRecord record, Grant grant, bool checkedAlready)
    {
        var number = record.DialNumber!;
        record.State = CallState.DialingOut;
        record.JoiningMethod = JoiningMethod.DialedOut;
        record.DisconnectionMethod = null;
        record.LeftAt = null;
        record.JoinedAt = null; // set when this call connects, not kept from an earlier one
        record.CallId = null;
        Emit(MeetingEventKind.ParticipantChanged, record);
        try
        {
            if (!checkedAlready && !await MayDialAsync(grant, number))
            {
                MarkDisconnected(record, DisconnectionMethod.Failed, "dial-out not allowed");
                return;
            }

            var tenant = await TenantInfoAsync();
            var placed = await PlaceLegAsync();
            if (placed is null)
            {
                MarkDisconnected(record, DisconnectionMethod.Failed, "no media worker available");
                return;
            }

            var worker = placed.Worker;
            var allocation = await worker.AllocateLegAsync(
                new LegRequest(Id, record.Id, null, tenant.Policies.SrtpRequired, record.DisplayName));
            if (!allocation.Ok || allocation.LocalSdp is null)
            {
                MarkDisconnected(record, DisconnectionMethod.Failed, allocation.Error ?? "no media leg");
                return;
            }

            PlacedOn(record, placed, allocation, webRtc: false);
            var gateway = await GrainFactory.GetGrain<IGatewayRegistryGrain>(0).PickAsync(null);
            if (gateway is null || record.State != CallState.DialingOut)
            {
                await Safely(() => worker.ReleaseLegAsync(Id, record.Id), "release a leg");
                if (record.State == CallState.DialingOut)
                {
                    MarkDisconnected(record, DisconnectionMethod.Failed, "no SIP gateway available");
                }

                return;
            }

            _dialGateways[record.Id] = gateway;
            await gateway.DialOutAsync(new DialOutRequest(
                S.TenantId, Id, record.Id, number, record.DisplayName,
                $"sip:{S.ConferenceNumber}@{tenant.SipDomains[0]}", allocation.LocalSdp)).WaitAsync(ExternalCallTimeout);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Meeting {MeetingId}: dialling {ParticipantId} failed", Id, record.Id);
            if (record.HasLeg)
            {
                await ReleaseLegAsync(record);
                MarkDisconnected(record, DisconnectionMethod.Failed, "dial-out failed");
            }
        }
        finally
        {
            await Safely(SaveAsync, "save");
        }
    }

    /// <summary>The answer to the worker's offer (dial-out 2xx or the ACK of an offerless INVITE).</summary>
    private async Task CompleteLegAsync(ParticipantRecord record, string remoteSdp)
    {
        LegAllocation? allocation = null;
        if (await Placement.WorkerOfAsync(record) is { } worker)
        {
            try
            {
                allocation = await worker.CompleteLegAsync(Id, record.Id, remoteSdp);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogWarning(e, "Meeting {MeetingId}: completing the leg of {ParticipantId} failed", Id, record.Id);
            }
        }

        if (allocation is not { Ok: true })
        {
            await HangUpAsync(record);
            await ReleaseLegAsync(record);
            MarkDisconnected(record, DisconnectionMethod.Failed, allocation?.Error ?? "media worker unavailable");
            await SaveAsync();
            return;
        }

        record.AudioSsrc = allocation.AudioSsrc ?? record.AudioSsrc;
        record.VideoSsrc = allocation.VideoSsrc ?? record.VideoSsrc;
        record.State = CallState.Connected;
        record.JoinedAt ??= DateTimeOffset.UtcNow;
        Activate();
        Emit(MeetingEventKind.ParticipantChanged, record);
        await PushControlAsync(record);
        await SaveAsync();
        MediaCameUp();
    }

    private async Task<bool> MayDialAsync(Grant grant, string number) =>
        grant.IsSystem || DialOutPolicy.Allows(grant,
            await GrainFactory.GetGrain<ITenantGrain>(S.TenantId).GetRoleAsync(number) is not null, (await TenantInfoAsync()).Policies, number);

    /// <summary>A failed join leaves no trace: a new record goes, a reused one returns to what it was.</summary>
    private void Abandon(ParticipantRecord record, bool isNew, CallState previousState)
    {
        if (isNew)
        {
            S.Participants.Remove(record);
            Roster.Removed(record);
        }
        else
        {
            record.State = previousState;
            record.CallId = null;
        }
    }

    private void MarkDisconnected(ParticipantRecord record, DisconnectionMethod method, string? reason)
    {
        Usage.LegEnding(S.TenantId, Id, record); // usage record (Usage/LegUsageRecorder)
        record.State = CallState.Disconnected;
        record.InLobby = false;
        _pinEntries.Remove(record.Id);
        _keypadStars.Remove(record.Id);
        record.DisconnectionMethod = method;
        record.LeftAt = DateTimeOffset.UtcNow;
        record.Speaking = false;
        record.Slot = null;
        if (record.CallId is not null)
        {
            _localSdpByCallId.Remove(record.CallId);
        }

        _dialGateways.Remove(record.Id);
        if (record.WorkerId is { } worker && worker != S.MediaWorkerId)
        {
            // Maybe the last leg on a spoke: its trunk goes (a trunk keeps the meeting alive on a worker).
            _ = Safely(Placement.RelinkAsync, "unlink an idle spoke");
        }

        if (_activeSpeaker == record.Id)
        {
            _activeSpeaker = null;
        }

        Emit(MeetingEventKind.ParticipantRemoved, record, reason);
    }

    private async Task HangUpAsync(ParticipantRecord record)
    {
        var gateway = _dialGateways.GetValueOrDefault(record.Id);
        if (gateway is null && record.GatewayId is not null)
        {
            gateway = await GrainFactory.GetGrain<IGatewayRegistryGrain>(0).PickAsync(record.GatewayId);
        }

        if (gateway is not null)
        {
            await Safely(() => gateway.HangUpAsync(Id, record.Id), "hang up");
        }
    }

    private async Task ReleaseLegAsync(ParticipantRecord record)
    {
        if (await Placement.WorkerOfAsync(record) is { } worker)
        {
            await Usage.CaptureQualityAsync(worker, Id, record); // usage record (Usage/LegUsageRecorder)
            await Safely(() => worker.ReleaseLegAsync(Id, record.Id), "release a leg");
        }
    }

    /// <summary>The worker a new leg goes on: the meeting's home, placing the meeting first when it has none (then the new
    /// home gets the layout); when the home is full, another worker linked to it by a cascade trunk.</summary>
    private async Task<WorkerHandle?> PlaceLegAsync()
    {
        var homeBefore = S.MediaWorkerId;
        var expected = Math.Max(S.Participants.Count(p => p.HasLeg), (S.Spec?.Participants.Count ?? 0) + 1);
        var home = await Placement.EnsureHomeAsync(Math.Min(expected, MaxLiveParticipants));
        if (home is null)
        {
            return null;
        }

        if (home.WorkerId != homeBefore)
        {
            // Just placed: the registry reserved room for the expected legs, this one among them.
            S.MediaWorkerId = home.WorkerId;
            await PushLayoutAsync(home.Worker);
            return home;
        }

        try
        {
            return await Placement.PlaceLegAsync(home);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Meeting {MeetingId}: no leg could be placed beside home {Home}", Id, home.WorkerId);
            return null;
        }
    }

    /// <summary>Notes where a participant's new leg is and what it negotiated.</summary>
    private static void PlacedOn(ParticipantRecord record, WorkerHandle worker, LegAllocation allocation, bool webRtc)
    {
        record.WorkerId = worker.WorkerId;
        record.WorkerGeneration = worker.Generation;
        record.WebRtc = webRtc;
        record.Srtp = webRtc || (allocation.LocalSdp?.Contains("RTP/SAVP", StringComparison.Ordinal) ?? false);
        record.AudioSsrc = allocation.AudioSsrc ?? record.AudioSsrc;
        record.VideoSsrc = allocation.VideoSsrc ?? record.VideoSsrc;
    }

    private async Task<TenantInfo> TenantInfoAsync() =>
        await GrainFactory.GetGrain<ITenantUsersGrain>(S.TenantId).FindTenantAsync()
        ?? throw new NotFoundException("No such tenant.");

    /// <summary>Signalling callbacks come from the platform (the gateway) of the meeting's tenant.</summary>
    public async Task SignalledDigitsAsync(Caller caller, string participantId, string digits)
    {
        await DemandSystemAsync(caller);
        var record = Get(participantId);
        if (record.State is CallState.Connected or CallState.OnHold)
        {
            await OnDigitsAsync(record, digits);
        }
    }

    public async Task<bool> RequestKeyFrameAsync(Caller caller, string participantId)
    {
        await DemandSystemAsync(caller);
        var record = Get(participantId);
        if (!record.HasLeg || await Placement.WorkerOfAsync(record) is not { } worker)
        {
            return false;
        }

        try
        {
            return await worker.RequestKeyFrameAsync(Id, record.Id).WaitAsync(ExternalCallTimeout);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Meeting {MeetingId}: could not ask the worker for a key frame for {ParticipantId}", Id, record.Id);
            return false;
        }
    }

    private async Task DemandSystemAsync(Caller caller)
    {
        var grant = await DemandAsync(caller, Operation.JoinMeeting);
        if (!grant.IsSystem)
        {
            throw new AccessDeniedException("Signalling callbacks come from the SIP gateway.");
        }
    }
}
