using Sparkle.Grains.Identity;
using Sparkle.Grains.Security;
using Sparkle.Grains.Tenants;

namespace Sparkle.Grains.Meetings.Signalling;

/// <summary>Whether a call may join the meeting, as pure decisions over the request, the caller's grant, the meeting's
/// state and the tenant's policies: no I/O, so each refusal is testable on its own and the grain only gathers the inputs.
/// Each returns null to admit, or the refusal with its reason.</summary>
internal static class Admission
{
    public const int MaxLiveParticipants = 500;

    /// <summary>The request itself and who makes it.</summary>
    public static JoinResult? CheckRequest(JoinRequest? request, Grant grant, Caller caller)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.CallId) || (string.IsNullOrWhiteSpace(request.Uri) && !request.WebRtc))
        {
            return Refuse(JoinRefusal.NotAcceptable, "a join needs a Call-ID and a URI");
        }

        if (request.WebRtc && (!grant.IsUser || caller.UserNumber is null || string.IsNullOrWhiteSpace(request.RemoteSdp)))
        {
            // A browser joins as the signed-in user, with its complete offer.
            return Refuse(JoinRefusal.Forbidden, "a browser joins as a signed-in user, with an offer");
        }

        if (grant.IsUser && request.UserNumber is { } number && number != caller.UserNumber)
        {
            return Refuse(JoinRefusal.Forbidden, "a user joins as themselves");
        }

        if ((request.Uri?.Length ?? 0) > 1024 || request.CallId.Length > 256 || request.DisplayName?.Length > 200)
        {
            return Refuse(JoinRefusal.NotAcceptable, "over-long Call-ID, URI or display name");
        }

        return null;
    }

    /// <summary>The meeting's state: ended or locked.</summary>
    public static JoinResult? CheckMeeting(MeetingState meeting) =>
        meeting.Status == MeetingStatus.Ended ? Refuse(JoinRefusal.Ended, "the meeting has ended")
        : meeting.Locked ? Refuse(JoinRefusal.Locked, "the meeting is locked")
        : null;

    /// <summary>The tenant's policies and the meeting's size, for a call that is not a retransmission.</summary>
    public static JoinResult? CheckPolicies(JoinRequest request, TenantPolicies policies, MeetingState meeting)
    {
        if (policies.TlsOnlySignalling && request.Security is not { SignallingOverTls: true })
        {
            return Refuse(JoinRefusal.Forbidden, "the tenant requires TLS signalling");
        }

        return meeting.Participants.Count(p => p.HasLeg) >= MaxLiveParticipants ? Refuse(JoinRefusal.Forbidden, "the meeting is full") : null;
    }

    private static JoinResult Refuse(JoinRefusal refusal, string reason) => new(refusal, null, null, reason);
}
