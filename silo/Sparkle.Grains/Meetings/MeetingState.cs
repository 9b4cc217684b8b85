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
    /// <summary>Everyone who is or was in the meeting, in joining order. Not part of this (header) row: each
    /// participant is stored in a roster page of its own (Meetings/Persistence/RosterStore), so a join, leave or
    /// mute rewrites one small page whatever the meeting's size or history.</summary>
    public List<ParticipantRecord> Participants { get => _participants; set => _participants = value; }
    [NonSerialized] private List<ParticipantRecord> _participants = [];
    /// <summary>Where participants were stored before roster pages; read once, moved to pages at the next save.</summary>
    [Id(10)] public List<ParticipantRecord>? LegacyParticipants { get; set; }
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
    /// <summary>The roster pages that hold participants (page n: participants p(16n) to p(16n+15)).</summary>
    [Id(23)] public SortedSet<int> RosterPages { get; set; } = [];
}

[GenerateSerializer]
public sealed class ParticipantRecord
{
    [Id(0)] public string Id { get; set { field = value; Unsaved = true; } } = "";
    [Id(1)] public string Uri { get; set { field = value; Unsaved = true; } } = "";
    [Id(2)] public string? DisplayName { get; set { field = value; Unsaved = true; } }
    [Id(3)] public string? UserNumber { get; set { field = value; Unsaved = true; } }
    [Id(4)] public Role MeetingRole { get; set { field = value; Unsaved = true; } }
    [Id(5)] public CallState State { get; set { field = value; Unsaved = true; } }
    [Id(6)] public JoiningMethod JoiningMethod { get; set { field = value; Unsaved = true; } }
    [Id(7)] public DisconnectionMethod? DisconnectionMethod { get; set { field = value; Unsaved = true; } }
    [Id(8)] public bool Muted { get; set { field = value; Unsaved = true; } }
    [Id(9)] public bool SpeakingAllowed { get; set { field = value; Unsaved = true; } } = true;
    [Id(10)] public bool VideoOn { get; set { field = value; Unsaved = true; } } = true;
    [Id(11)] public bool VideoAllowed { get; set { field = value; Unsaved = true; } } = true;
    [Id(12)] public uint? AudioSsrc { get; set { field = value; Unsaved = true; } }
    [Id(13)] public uint? VideoSsrc { get; set { field = value; Unsaved = true; } }
    [Id(14)] public bool Speaking { get; set { field = value; Unsaved = true; } }
    [Id(15)] public DateTimeOffset? JoinedAt { get; set { field = value; Unsaved = true; } }
    [Id(16)] public DateTimeOffset? LeftAt { get; set { field = value; Unsaved = true; } }
    [Id(17)] public int? Slot { get; set { field = value; Unsaved = true; } }
    /// <summary>The SIP Call-ID of a dial-in.</summary>
    [Id(18)] public string? CallId { get; set { field = value; Unsaved = true; } }
    /// <summary>The gateway a dial-in came through (where hang-ups go).</summary>
    [Id(19)] public string? GatewayId { get; set { field = value; Unsaved = true; } }
    /// <summary>What is dialled to reach this participant (planned or invited).</summary>
    [Id(20)] public string? DialNumber { get; set { field = value; Unsaved = true; } }
    /// <summary>Dialled in to a PIN-protected meeting and not yet through the PIN.</summary>
    [Id(21)] public bool InLobby { get; set { field = value; Unsaved = true; } }
    /// <summary>The media worker holding this participant's leg (null: the meeting's home, as before spill-over).</summary>
    [Id(22)] public string? WorkerId { get; set { field = value; Unsaved = true; } }
    /// <summary>The worker's generation when the leg was placed (the fence against a worker declared dead coming back).</summary>
    [Id(23)] public long WorkerGeneration { get; set { field = value; Unsaved = true; } }
    /// <summary>The leg's media is SRTP: a move offers SRTP again, whatever the tenant's policy.</summary>
    [Id(24)] public bool Srtp { get; set { field = value; Unsaved = true; } }
    /// <summary>A browser's leg (ICE, DTLS-SRTP): it moves only by the browser's own renegotiation.</summary>
    [Id(25)] public bool WebRtc { get; set { field = value; Unsaved = true; } }

    /// <summary>Changed since its roster page was last written (set by every stored property's setter; not stored).</summary>
    [NonSerialized] internal bool Unsaved = true;

    /// <summary>Not in the call: never called yet (planned) or gone; such a place can be taken again.</summary>
    public bool IsGone => State is CallState.Disconnected or CallState.Pending;

    /// <summary>Holds (or is getting) a media leg.</summary>
    public bool HasLeg => State is CallState.DialingIn or CallState.DialingOut or CallState.Alerting or CallState.Connected or CallState.OnHold;
}
