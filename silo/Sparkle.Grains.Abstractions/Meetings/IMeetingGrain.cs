using Sparkle.Grains.Identity;
using Sparkle.Grains.Plans;

namespace Sparkle.Grains.Meetings;

/// <summary>Receives a meeting's events (gateway notifier, GraphQL subscriptions). Subscriptions expire:
/// subscribers renew them by calling SubscribeAsync again every minute.</summary>
public interface IMeetingObserver : IGrainObserver
{
    Task OnMeetingEventAsync(MeetingEvent meetingEvent);
}

/// <summary>One meeting: stored until a manager deletes it; the live state; the event stream.
/// Key: the meeting id. Every method authorises its caller against the tenant and the matrix.</summary>
public interface IMeetingGrain : IGrainWithGuidKey
{
    Task<MeetingSnapshot> CreateAsync(Caller caller, MeetingSpec spec);
    Task<MeetingSnapshot?> GetAsync(Caller caller);
    /// <summary>Whether the meeting runs with video now, for a caller who may see its live view
    /// (<see cref="Identity.Operation.ViewLiveVideo"/>; else AccessDenied).</summary>
    Task<bool> HasLivePreviewAsync(Caller caller);
    /// <summary>The latest composite as JPEG from the meeting's worker; null when the meeting is not running, has no
    /// video or no picture right now. Same right as <see cref="HasLivePreviewAsync"/>.</summary>
    Task<Sparkle.Grains.Media.PreviewPicture?> GetPreviewAsync(Caller caller);
    /// <summary>One click: activates the meeting and dials every planned participant in parallel;
    /// returns at once, progress comes as events.</summary>
    Task<MeetingSnapshot> StartAsync(Caller caller);
    Task EndAsync(Caller caller);
    Task DeleteAsync(Caller caller);

    // Signalling (the gateway)
    Task<JoinResult> JoinAsync(Caller caller, JoinRequest request);
    /// <summary>The offerless-INVITE case: the answer arrived in the ACK.</summary>
    Task CompleteJoinAsync(Caller caller, string participantId, string remoteSdp);
    /// <summary>A re-INVITE (hold/resume): returns the new local SDP, or null for 488.</summary>
    Task<string?> RenegotiateAsync(Caller caller, string participantId, string remoteSdp);
    Task LeaveAsync(Caller caller, string participantId, DisconnectionMethod method);
    /// <summary>Progress of a dial-out the meeting asked a gateway for: 1xx, 2xx (with the answer), or failure.</summary>
    Task DialOutProgressAsync(Caller caller, string participantId, int statusCode, string? remoteSdp);
    /// <summary>Keypad digits the phone sent in SIP INFO (application/dtmf-relay or application/dtmf) rather
    /// than in the media (RFC 4733): handled exactly as the worker's DTMF (PIN entry, keypad events).</summary>
    Task SignalledDigitsAsync(Caller caller, string participantId, string digits);
    /// <summary>The phone asked for a fresh picture in SIP INFO (RFC 5168 picture_fast_update), as older video
    /// phones do instead of RTCP PLI: the worker sends its video stream a key frame. False when it has no video leg.</summary>
    Task<bool> RequestKeyFrameAsync(Caller caller, string participantId);

    // Live control
    Task<string> InviteAsync(Caller caller, PlannedParticipant who);
    Task RemoveAsync(Caller caller, string participantId);
    Task SetMutedAsync(Caller caller, string participantId, bool muted);
    Task SetVideoAsync(Caller caller, string participantId, bool on);
    Task SetSpeakingAllowedAsync(Caller caller, string participantId, bool allowed);
    Task SetVideoAllowedAsync(Caller caller, string participantId, bool allowed);
    Task SetParticipantRoleAsync(Caller caller, string participantId, Role role);
    Task SetLayoutAsync(Caller caller, string layoutId);
    Task SetLayoutModeAsync(Caller caller, LayoutMode mode);
    Task PlaceInSlotAsync(Caller caller, string participantId, int slot);
    Task SetLockedAsync(Caller caller, bool locked);
    Task SetRecordingAsync(Caller caller, bool recording);
    /// <summary>Plays a stored utterance privately into the caller's own leg (the caller must be connected to this
    /// meeting and may replay its utterances); audited. ValidationException when the caller has no leg here.</summary>
    Task<bool> ReplayUtteranceAsync(Caller caller, Guid utteranceId);

    // Events
    Task SubscribeAsync(Caller caller, IMeetingObserver observer);
    Task UnsubscribeAsync(IMeetingObserver observer);
    /// <summary>Events after <paramref name="afterVersion"/> still in the bounded log (catch-up).</summary>
    Task<IReadOnlyList<MeetingEvent>> GetEventsSinceAsync(Caller caller, long afterVersion);

    // Media plane
    Task OnMediaEventAsync(MediaEvent mediaEvent);
}
