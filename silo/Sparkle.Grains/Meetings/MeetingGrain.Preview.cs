using Microsoft.Extensions.Logging;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Media;
using Sparkle.Grains.Security;

namespace Sparkle.Grains.Meetings;

/// <summary>The console's live preview (issue 11): a still of the composite that video receivers see, fetched
/// from the meeting's worker. The right (<see cref="Operation.ViewLiveVideo"/>): tenant managers and owners, and
/// anyone with a role in this meeting (its owner, chairs, planned participants), who are raised to Manager for
/// this meeting only; a member of the tenant with no part in the meeting is refused.</summary>
public sealed partial class MeetingGrain
{
    private static readonly TimeSpan PreviewTimeout = TimeSpan.FromSeconds(3);

    public async Task<bool> HasLivePreviewAsync(Caller caller)
    {
        await DemandLiveViewAsync(caller);
        return HasLiveVideo();
    }

    public async Task<PreviewPicture?> GetPreviewAsync(Caller caller)
    {
        await DemandLiveViewAsync(caller);
        if (!HasLiveVideo() || await Placement.HomeAsync() is not { } worker)
        {
            return null;
        }

        try
        {
            return await worker.GetPreviewAsync(Id).WaitAsync(PreviewTimeout);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            logger.LogDebug(e, "Meeting {MeetingId}: the worker gave no preview", Id);
            return null;
        }
    }

    /// <summary>Running, with at least one connected leg that negotiated video: there is a composite to show.</summary>
    private bool HasLiveVideo() =>
        S.Status == MeetingStatus.Active && S.MediaWorkerId is not null
        && S.Participants.Any(p => p.State == CallState.Connected && p.VideoSsrc is not null);

    private Task<Grant> DemandLiveViewAsync(Caller caller)
    {
        if (!S.Exists)
        {
            throw new NotFoundException("No such meeting.");
        }

        // A role in this meeting (owner, chair, planned participant) sees its live view as a tenant manager would.
        var meetingRole = MeetingRoleOf(caller) is not null ? Role.Manager : (Role?)null;
        return Access.DemandAsync(GrainFactory, S.TenantId, caller, Operation.ViewLiveVideo, meetingRole);
    }
}
