using Sparkle.Grains.Identity;
using Sparkle.Grains.Plans;

namespace Sparkle.Grains.Meetings;

/// <summary>RFC 4575 endpoint status, which is also the participant's call state.</summary>
public enum CallState
{
    Pending = 0,
    DialingOut = 1,
    DialingIn = 2,
    Alerting = 3,
    OnHold = 4,
    Connected = 5,
    Disconnecting = 6,
    Disconnected = 7,
}

/// <summary>RFC 4575 joining-method.</summary>
public enum JoiningMethod { DialedIn = 0, DialedOut = 1, FocusOwner = 2 }

/// <summary>RFC 4575 disconnection-method.</summary>
public enum DisconnectionMethod { Departed = 0, Booted = 1, Failed = 2, Busy = 3 }

public enum MeetingStatus
{
    Scheduled = 0,
    Active = 1,
    Ended = 2,
}

/// <summary>Signalling/media security of a leg, checked against tenant policies.</summary>
[GenerateSerializer, Immutable]
public sealed record LegSecurity(
    [property: Id(0)] bool SignallingOverTls,
    [property: Id(1)] bool MediaEncrypted);

[GenerateSerializer, Immutable]
public sealed record ParticipantSnapshot(
    [property: Id(0)] string ParticipantId,
    /// <summary>The participant's SIP URI (user entity in RFC 4575).</summary>
    [property: Id(1)] string Uri,
    [property: Id(2)] string? DisplayName,
    /// <summary>The tenant user number when the participant is a known user.</summary>
    [property: Id(3)] string? UserNumber,
    [property: Id(4)] Role MeetingRole,
    [property: Id(5)] CallState State,
    [property: Id(6)] JoiningMethod JoiningMethod,
    [property: Id(7)] DisconnectionMethod? DisconnectionMethod,
    [property: Id(8)] bool Muted,
    [property: Id(9)] bool SpeakingAllowed,
    [property: Id(10)] bool VideoOn,
    [property: Id(11)] bool VideoAllowed,
    [property: Id(12)] uint? AudioSsrc,
    [property: Id(13)] uint? VideoSsrc,
    [property: Id(14)] bool Speaking,
    [property: Id(15)] DateTimeOffset? JoinedAt,
    [property: Id(16)] DateTimeOffset? LeftAt,
    /// <summary>Floor/slot index in a fixed layout, if the chair placed this participant.</summary>
    [property: Id(17)] int? Slot,
    /// <summary>Waiting in the lobby of a PIN-protected meeting: neither heard nor hearing until the PIN is keyed.</summary>
    [property: Id(18)] bool InLobby = false);

[GenerateSerializer, Immutable]
public sealed record MeetingSpec(
    [property: Id(0)] string Title,
    [property: Id(1)] IReadOnlyList<PlannedParticipant> Participants,
    [property: Id(2)] string Layout = "auto",
    [property: Id(3)] LayoutMode LayoutMode = LayoutMode.Automatic,
    [property: Id(4)] RecordingSettings? Recording = null,
    [property: Id(5)] string? Pin = null,
    [property: Id(6)] DateTimeOffset? ScheduledStart = null,
    [property: Id(7)] Guid? PlanId = null,
    /// <summary>Ad-hoc conferences (RFC 4579 factory) end when their creator leaves.</summary>
    [property: Id(8)] bool AdHoc = false,
    /// <summary>User numbers (besides the owner, chairs and tenant managers) who may play the recordings.</summary>
    [property: Id(9)] IReadOnlyList<string>? RecordingListeners = null);

[GenerateSerializer, Immutable]
public sealed record MeetingSnapshot(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid TenantId,
    [property: Id(2)] string ConferenceNumber,
    [property: Id(3)] string OwnerNumber,
    [property: Id(4)] MeetingSpec Spec,
    [property: Id(5)] MeetingStatus Status,
    [property: Id(6)] bool Locked,
    [property: Id(7)] bool Recording,
    [property: Id(8)] string Layout,
    [property: Id(9)] LayoutMode LayoutMode,
    [property: Id(10)] IReadOnlyList<ParticipantSnapshot> Participants,
    /// <summary>Version of the last event applied; events carry Version = this + 1.</summary>
    [property: Id(11)] long Version,
    [property: Id(12)] string? ActiveSpeakerId,
    [property: Id(13)] DateTimeOffset CreatedAt,
    [property: Id(14)] DateTimeOffset? StartedAt,
    [property: Id(15)] DateTimeOffset? EndedAt,
    /// <summary>The media worker the meeting is placed on, once placed.</summary>
    [property: Id(16)] string? MediaWorkerId,
    [property: Id(17)] RecordingState RecordingState = RecordingState.None,
    /// <summary>Every media worker the meeting has media on now, its home first.</summary>
    [property: Id(18)] IReadOnlyList<string>? MediaWorkerIds = null);

/// <summary>Whether the meeting is being recorded, and whether the recording is healthy.</summary>
public enum RecordingState
{
    None = 0,
    Recording = 1,
    /// <summary>The worker records but cannot store right now (parts wait in its spool).</summary>
    Degraded = 2,
}

public enum MeetingEventKind
{
    MeetingCreated = 0,
    MeetingStarted = 1,
    MeetingEnded = 2,
    MeetingDeleted = 3,
    MeetingChanged = 4,      // lock, layout, mode, recording
    ParticipantAdded = 5,
    ParticipantChanged = 6,  // call state, mute, video, role, speaking rights
    ParticipantRemoved = 7,  // left or booted; Participant carries the final state
    ActiveSpeakerChanged = 8,
    DtmfReceived = 9,
    UtteranceRecorded = 10,  // Detail: the utterance id, once it is stored and listed
    RecordingChanged = 11,   // Detail: "recording", "degraded", "stopped"
    MinutesEntryAdded = 12,  // Detail: the minutes entry id
    MinutesEntryEdited = 13, // Detail: the minutes entry id
}

/// <summary>One change of a meeting. The SIP conference event package and the GraphQL subscription are
/// both fed by this stream. Participant carries the participant's state after the change.</summary>
[GenerateSerializer, Immutable]
public sealed record MeetingEvent(
    [property: Id(0)] Guid MeetingId,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] MeetingEventKind Kind,
    [property: Id(4)] ParticipantSnapshot? Participant = null,
    [property: Id(5)] string? Detail = null);

/// <summary>A dial-in from the gateway (the focus). RemoteSdp is the INVITE's offer (null for an
/// offerless INVITE: the worker then makes the offer and the answer comes in the ACK).</summary>
[GenerateSerializer, Immutable]
public sealed record JoinRequest(
    [property: Id(0)] string CallId,
    [property: Id(1)] string Uri,
    [property: Id(2)] string? DisplayName,
    /// <summary>The authenticated tenant user, or null for a guest/PSTN caller.</summary>
    [property: Id(3)] string? UserNumber,
    [property: Id(4)] string? RemoteSdp,
    [property: Id(5)] LegSecurity Security,
    [property: Id(6)] string? GatewayId,
    /// <summary>A browser joining through the API (joinMeetingWebRtc): RemoteSdp is its WebRTC offer. The caller is the
    /// user who joins; Uri may be empty (the grain uses the user's SIP address).</summary>
    [property: Id(7)] bool WebRtc = false);

public enum JoinRefusal
{
    None = 0,
    NotFound = 1,       // 404
    Locked = 2,         // 403
    Ended = 3,          // 404 (gone)
    Forbidden = 4,      // 403
    NotAcceptable = 5,  // 488: media or policy
    NoMediaWorker = 6,  // 503
}

[GenerateSerializer, Immutable]
public sealed record JoinResult(
    [property: Id(0)] JoinRefusal Refusal,
    [property: Id(1)] string? ParticipantId,
    [property: Id(2)] string? LocalSdp,
    [property: Id(3)] string? Reason = null,
    /// <summary>The worker's code for a refused offer (see LegAllocation.ErrorCode).</summary>
    [property: Id(4)] string? ReasonCode = null)
{
    public bool Accepted => Refusal == JoinRefusal.None;
}

/// <summary>Something the media worker saw on a leg.</summary>
public enum MediaEventKind
{
    ActiveSpeakers = 0,  // Detail: comma-separated participant ids, loudest first
    Dtmf = 1,            // Detail: the digit
    LegSilent = 2,       // no packets for the configured time
    LegResumed = 3,
    SsrcLearned = 4,     // Detail: "audio:1234" or "video:5678"
    LegFailed = 5,       // the leg could not carry media (WebRTC: no ICE check or a failed DTLS handshake); Detail: why
    LegClosed = 6,       // the peer ended the media session itself (WebRTC: the browser closed DTLS)
}

[GenerateSerializer, Immutable]
public sealed record MediaEvent(
    [property: Id(0)] Guid MeetingId,
    [property: Id(1)] string? ParticipantId,
    [property: Id(2)] MediaEventKind Kind,
    [property: Id(3)] string? Detail,
    /// <summary>The worker that raised it: a leg's events count only from the worker that holds the leg now (a worker
    /// declared dead and come back must not hang up a call that moved off it).</summary>
    [property: Id(4)] string? WorkerId = null);
