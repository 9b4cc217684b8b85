using Sparkle.Grains.Identity;
using Sparkle.Grains.Plans;

namespace Sparkle.Grains.Meetings;

[GenerateSerializer]
public sealed class MeetingState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public Guid TenantId { get; set; }
    [Id(2)] public string ConferenceNumber { get; set; } = "";
    [Id(3)] public string OwnerNumber { get; set; } = "";
    [Id(4)] public MeetingSpec? Spec { get; set; }
    [Id(5)] public MeetingStatus Status { get; set; }
    [Id(6)] public bool Locked { get; set; }
    [Id(7)] public bool Recording { get; set; }
    [Id(8)] public string Layout { get; set; } = "auto";
    [Id(9)] public LayoutMode LayoutMode { get; set; }
    [Id(10)] public List<ParticipantRecord> Participants { get; set; } = [];
    /// <summary>Version of the last event: events keep counting across restarts.</summary>
    [Id(11)] public long Version { get; set; }
    [Id(12)] public DateTimeOffset CreatedAt { get; set; }
    [Id(13)] public DateTimeOffset? StartedAt { get; set; }
    [Id(14)] public DateTimeOffset? EndedAt { get; set; }
    [Id(15)] public string? MediaWorkerId { get; set; }
    [Id(16)] public int NextParticipant { get; set; }
    /// <summary>Meeting roles the chair set for user numbers, above what the plan said.</summary>
    [Id(17)] public Dictionary<string, Role> RoleOverrides { get; set; } = [];
    /// <summary>The running whole-meeting recording (the audio one with separate audio and video).</summary>
    [Id(18)] public Guid? RecordingId { get; set; }
    [Id(19)] public Guid? VideoRecordingId { get; set; }
    [Id(20)] public bool RecordingDegraded { get; set; }
    /// <summary>The plan's automatic recording was tried once (stopping it by hand is not undone by the next join).</summary>
    [Id(21)] public bool AutoRecordingTried { get; set; }
    /// <summary>The order the worker records under (also when it records utterances only): its health reports carry it.</summary>
    [Id(22)] public Guid? RecordingOrderId { get; set; }
}

[GenerateSerializer]
public sealed class ParticipantRecord
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Uri { get; set; } = "";
    [Id(2)] public string? DisplayName { get; set; }
    [Id(3)] public string? UserNumber { get; set; }
    [Id(4)] public Role MeetingRole { get; set; }
    [Id(5)] public CallState State { get; set; }
    [Id(6)] public JoiningMethod JoiningMethod { get; set; }
    [Id(7)] public DisconnectionMethod? DisconnectionMethod { get; set; }
    [Id(8)] public bool Muted { get; set; }
    [Id(9)] public bool SpeakingAllowed { get; set; } = true;
    [Id(10)] public bool VideoOn { get; set; } = true;
    [Id(11)] public bool VideoAllowed { get; set; } = true;
    [Id(12)] public uint? AudioSsrc { get; set; }
    [Id(13)] public uint? VideoSsrc { get; set; }
    [Id(14)] public bool Speaking { get; set; }
    [Id(15)] public DateTimeOffset? JoinedAt { get; set; }
    [Id(16)] public DateTimeOffset? LeftAt { get; set; }
    [Id(17)] public int? Slot { get; set; }
    /// <summary>The SIP Call-ID of a dial-in.</summary>
    [Id(18)] public string? CallId { get; set; }
    /// <summary>The gateway a dial-in came through (where hang-ups go).</summary>
    [Id(19)] public string? GatewayId { get; set; }
    /// <summary>What is dialled to reach this participant (planned or invited).</summary>
    [Id(20)] public string? DialNumber { get; set; }
    /// <summary>Dialled in to a PIN-protected meeting and not yet through the PIN.</summary>
    [Id(21)] public bool InLobby { get; set; }
    /// <summary>The media worker holding this participant's leg (null: the meeting's home, as before spill-over).</summary>
    [Id(22)] public string? WorkerId { get; set; }
    /// <summary>The worker's generation when the leg was placed (the fence against a worker declared dead coming back).</summary>
    [Id(23)] public long WorkerGeneration { get; set; }
    /// <summary>The leg's media is SRTP: a move offers SRTP again, whatever the tenant's policy.</summary>
    [Id(24)] public bool Srtp { get; set; }
    /// <summary>A browser's leg (ICE, DTLS-SRTP): it moves only by the browser's own renegotiation.</summary>
    [Id(25)] public bool WebRtc { get; set; }

    /// <summary>Not in the call: never called yet (planned) or gone; such a place can be taken again.</summary>
    public bool IsGone => State is CallState.Disconnected or CallState.Pending;

    /// <summary>Holds (or is getting) a media leg.</summary>
    public bool HasLeg => State is CallState.DialingIn or CallState.DialingOut or CallState.Alerting or CallState.Connected or CallState.OnHold;
}
