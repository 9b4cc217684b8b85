using Microsoft.Extensions.Logging;
using Sparkle.Grains.Gateway;
using Sparkle.Grains.Media;

namespace Sparkle.Grains.Meetings.Media;

/// <summary>What moving calls needs from the meeting it works for.</summary>
internal interface IMeetingMediaHost
{
    Guid MeetingId { get; }
    MeetingState State { get; }
    Task<bool> TenantRequiresSrtpAsync();
    /// <summary>The gateway holding the participant's dialog, or null.</summary>
    Task<ISipGateway?> GatewayOfAsync(ParticipantRecord record);
    /// <summary>Where a moved leg goes: the home while it has room, else a spoke linked to it.</summary>
    Task<WorkerHandle?> PlaceLegAsync();
    /// <summary>Mute, lobby and video controls, pushed to the worker holding the leg now.</summary>
    Task PushControlAsync(ParticipantRecord record);
    /// <summary>The meeting's home moved: the layout follows it, and a running recording stops (on the worker being
    /// left, when alive) to go on at the new home once legs are there (<see cref="LegsMovedAsync"/>).</summary>
    Task HomeMovedAsync(WorkerHandle home, string previous, bool previousAlive);
    /// <summary>A batch of legs has moved: what waited for media at the new home (a recording) starts there.</summary>
    Task LegsMovedAsync();
    /// <summary>Ends a call that could not be moved: BYE to the phone and the participant listed as gone.</summary>
    Task DropAsync(ParticipantRecord record, string reason);
    void MediaMoved(ParticipantRecord record);
}

/// <summary>Re-homes a meeting's media off one worker (declared dead, or draining): a new home first when it was the
/// home, then for each call a new leg on a live worker with the worker's SDP offer, a re-INVITE to the phone in its existing
/// dialog, and the phone's answer completing the new leg. The participant keeps its id, role and state; nobody redials.
/// Browsers cannot be re-INVITEd: their legs move only by the browser's own renegotiation, so they are ended with a
/// reason and rejoin.</summary>
internal sealed class LegMover(IMeetingMediaHost host, MediaPlacement placement, ILogger logger)
{
    /// <summary>Moves the legs placed on <paramref name="leaving"/> (under <paramref name="upToGeneration"/> or older, when
    /// given) and returns how many are still there. At most <paramref name="maxLegs"/> move in this call, all at once.</summary>
    public async Task<int> MoveOffAsync(string leaving, long? upToGeneration, bool leavingAlive, int maxLegs)
    {
        var state = host.State;
        if (placement.HomeId == leaving)
        {
            var expected = Math.Max(1, state.Participants.Count(p => p.HasLeg));
            if (await placement.PlaceAwayFromAsync(leaving, expected) is not { } home)
            {
                logger.LogWarning("Meeting {MeetingId}: no live worker to move off {WorkerId}", host.MeetingId, leaving);
                return OnWorker(leaving, upToGeneration).Count;
            }

            state.MediaWorkerId = home.WorkerId;
            await host.HomeMovedAsync(home, leaving, leavingAlive);
        }

        var moving = OnWorker(leaving, upToGeneration).Take(Math.Max(1, maxLegs)).ToList();
        if (moving.Count == 0)
        {
            return 0;
        }

        var started = DateTimeOffset.UtcNow;
        var requireSrtp = await host.TenantRequiresSrtpAsync();
        var results = await Task.WhenAll(moving.Select(record => MoveAsync(record, leaving, leavingAlive, requireSrtp)));
        await placement.RelinkAsync(); // spokes left without legs unlinked; spokes of a new home linked to it
        await host.LegsMovedAsync();
        logger.LogInformation("Meeting {MeetingId}: moved {Moved} of {Count} legs off {WorkerId} in {Elapsed} ms",
            host.MeetingId, results.Count(r => r), moving.Count, leaving, (int)(DateTimeOffset.UtcNow - started).TotalMilliseconds);
        return OnWorker(leaving, upToGeneration).Count;
    }

    private List<ParticipantRecord> OnWorker(string workerId, long? upToGeneration) =>
        [.. host.State.Participants.Where(p => p.HasLeg && placement.WorkerIdOf(p) == workerId
            && (upToGeneration is null || p.WorkerGeneration <= upToGeneration))];

    private async Task<bool> MoveAsync(ParticipantRecord record, string leaving, bool leavingAlive, bool requireSrtp)
    {
        if (record.WebRtc)
        {
            await host.DropAsync(record, "the media server moved: rejoin from the browser");
            return false;
        }

        if (record.State is not (CallState.Connected or CallState.OnHold))
        {
            // Still ringing or being answered: there is no confirmed dialog to re-INVITE yet.
            await host.DropAsync(record, "the media server was lost while the call was being set up");
            return false;
        }

        if (await host.PlaceLegAsync() is not { } target || target.WorkerId == leaving)
        {
            return false; // no live worker with room: the leg stays listed where it was, and the next check tries again
        }

        try
        {
            var offer = await target.Worker.AllocateLegAsync(
                new LegRequest(host.MeetingId, record.Id, null, requireSrtp || record.Srtp, record.DisplayName));
            if (!offer.Ok || offer.LocalSdp is null)
            {
                await host.DropAsync(record, $"no new media leg: {offer.Error}");
                return false;
            }

            var answer = await (await host.GatewayOfAsync(record) is { } gateway
                ? gateway.ReinviteAsync(host.MeetingId, record.Id, offer.LocalSdp)
                : Task.FromResult<string?>(null));
            var completed = answer is null || !record.HasLeg ? null : await target.Worker.CompleteLegAsync(host.MeetingId, record.Id, answer);
            if (completed is not { Ok: true })
            {
                await Release(target.Worker, record);
                if (record.HasLeg)
                {
                    await host.DropAsync(record, answer is null ? "the phone did not accept the moved media" : $"the phone's answer was refused: {completed?.Error}");
                }

                return false;
            }

            if (leavingAlive && await placement.ResolveAsync(leaving) is { } old)
            {
                await Release(old.Worker, record);
            }

            record.WorkerId = target.WorkerId;
            record.WorkerGeneration = target.Generation;
            record.AudioSsrc = completed.AudioSsrc ?? offer.AudioSsrc ?? record.AudioSsrc;
            record.VideoSsrc = completed.VideoSsrc ?? offer.VideoSsrc ?? record.VideoSsrc;
            await host.PushControlAsync(record);
            host.MediaMoved(record);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Meeting {MeetingId}: moving {ParticipantId} off {WorkerId} failed", host.MeetingId, record.Id, leaving);
            await Release(target.Worker, record);
            if (record.HasLeg && placement.WorkerIdOf(record) == leaving)
            {
                await host.DropAsync(record, "the call could not be moved to another media server");
            }

            return false;
        }
    }

    private async Task Release(IMediaWorker worker, ParticipantRecord record)
    {
        try
        {
            await worker.ReleaseLegAsync(host.MeetingId, record.Id);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogDebug(e, "Meeting {MeetingId}: releasing a leg of {ParticipantId} failed", host.MeetingId, record.Id);
        }
    }
}
