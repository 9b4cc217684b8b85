namespace Sparkle.Grains.Media;

[GenerateSerializer, Immutable]
public sealed record MediaWorkerInfo(
    [property: Id(0)] string WorkerId,
    /// <summary>The address RTP is sent to (what goes in the SDP c= line).</summary>
    [property: Id(1)] string MediaAddress,
    /// <summary>Legs (participants) this worker accepts at most.</summary>
    [property: Id(2)] int CapacityLegs,
    [property: Id(3)] int ActiveLegs,
    /// <summary>CPU load, 0..1 of the worker's cores: the process's share over the last heartbeat interval.</summary>
    [property: Id(4)] double CpuLoad,
    [property: Id(5)] DateTimeOffset LastSeen,
    /// <summary>The worker's build (its assembly's informational version).</summary>
    [property: Id(6)] string Version = "",
    /// <summary>Meetings with media on this worker now.</summary>
    [property: Id(7)] int Meetings = 0,
    /// <summary>Unique per worker process: a worker restarted under the same id is another instance, whose predecessor's
    /// legs are gone.</summary>
    [property: Id(10)] Guid InstanceId = default,
    /// <summary>The registration's generation (the registry's fence): it grows each time the registry declared the worker
    /// dead or saw a new instance. Legs are placed with it; a leg placed under an older generation was moved elsewhere.</summary>
    [property: Id(11)] long Generation = 0,
    /// <summary>An operator drains it: the registry places no new meetings on it (set by the registry, not the worker).</summary>
    [property: Id(8)] bool Draining = false);

/// <summary>A live worker and the generation its legs are placed under.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerHandle(
    [property: Id(0)] string WorkerId,
    [property: Id(1)] IMediaWorker Worker,
    [property: Id(2)] long Generation);

/// <summary>Asks a worker for a leg. With RemoteSdp the worker answers it; without, it makes an offer.</summary>
[GenerateSerializer, Immutable]
public sealed record LegRequest(
    [property: Id(0)] Guid MeetingId,
    [property: Id(1)] string ParticipantId,
    [property: Id(2)] string? RemoteSdp,
    /// <summary>Offer only RTP/SAVP, and refuse plain RTP offers (tenant policy).</summary>
    [property: Id(3)] bool SrtpRequired,
    /// <summary>The display name, for video labels and recordings.</summary>
    [property: Id(4)] string? DisplayName,
    /// <summary>RemoteSdp is a browser's complete WebRTC offer: ICE-lite, DTLS-SRTP, BUNDLE on one port.</summary>
    [property: Id(5)] bool WebRtc = false);

[GenerateSerializer, Immutable]
public sealed record LegAllocation(
    [property: Id(0)] bool Ok,
    /// <summary>The worker's SDP: the answer to RemoteSdp, or its offer.</summary>
    [property: Id(1)] string? LocalSdp,
    [property: Id(2)] string? Error,
    [property: Id(3)] uint? AudioSsrc = null,
    [property: Id(4)] uint? VideoSsrc = null,
    /// <summary>Why an offer was refused, as a stable code (WebRTC offers: "NoFingerprint", "PlainRtp", ...).</summary>
    [property: Id(5)] string? ErrorCode = null);

/// <summary>The controls a worker applies to a leg at once.</summary>
[GenerateSerializer, Immutable]
public sealed record LegControl(
    [property: Id(0)] bool Muted,
    [property: Id(1)] bool SpeakingAllowed,
    [property: Id(2)] bool VideoOn,
    [property: Id(3)] bool VideoAllowed,
    /// <summary>Linear gain applied to what this leg sends into the mix (1.0 = unchanged).</summary>
    [property: Id(4)] float Gain = 1.0f,
    /// <summary>False while the caller waits in the lobby (e.g. for a PIN): the leg hears nothing of the meeting.</summary>
    [property: Id(5)] bool Listening = true);

[GenerateSerializer, Immutable]
public sealed record VideoLayoutControl(
    [property: Id(0)] string LayoutId,
    [property: Id(1)] bool Automatic,
    /// <summary>Participant ids placed by the chair, by slot index (null = free slot).</summary>
    [property: Id(2)] IReadOnlyList<string?> Placements);

/// <summary>A still of a meeting's composite for the console: a JPEG file's bytes and when it was encoded.</summary>
[GenerateSerializer, Immutable]
public sealed record PreviewPicture(
    [property: Id(0)] byte[] Jpeg,
    [property: Id(1)] int Width,
    [property: Id(2)] int Height,
    [property: Id(3)] DateTimeOffset TakenAt);

/// <summary>Which cascade trunk end to open: one meeting's link from this worker to a peer worker.</summary>
[GenerateSerializer, Immutable]
public sealed record TrunkRequest(
    [property: Id(0)] Guid MeetingId,
    [property: Id(1)] string PeerWorkerId,
    /// <summary>True on the meeting's home worker (the hub): it composes video and receives every spoke's tiles.</summary>
    [property: Id(2)] bool Home);

/// <summary>One end of a cascade trunk: where it receives and the key of what it sends.</summary>
[GenerateSerializer, Immutable]
public sealed record TrunkEndpoint(
    [property: Id(0)] string WorkerId,
    [property: Id(1)] string Address,
    [property: Id(2)] int Port,
    /// <summary>SRTP master key and salt (AES_CM_128_HMAC_SHA1_80, 30 bytes) of what this end sends.</summary>
    [property: Id(3)] byte[] SendKey);
/// <summary>What a worker measured on a leg's receive side (the participant's media towards us), asked by the meeting
/// grain just before it releases the leg, for the usage record. Loss is RFC 3550's cumulative lost over expected;
/// jitter is RFC 3550's interarrival jitter of the audio stream in milliseconds.</summary>
[GenerateSerializer, Immutable]
public sealed record LegQuality(
    [property: Id(0)] long PacketsReceived,
    [property: Id(1)] long PacketsLost,
    /// <summary>Lost over expected, 0..1 (0 when nothing was expected).</summary>
    [property: Id(2)] double LossFraction,
    [property: Id(3)] double JitterMs,
    /// <summary>SDP encoding name of the audio codec ("PCMU", "G722", "opus"), null before negotiation.</summary>
    [property: Id(4)] string? AudioCodec,
    /// <summary>SDP encoding name of the video codec ("H264", "VP8"), null for an audio-only leg.</summary>
    [property: Id(5)] string? VideoCodec,
    [property: Id(6)] bool Srtp,
    /// <summary>The media transport: "rtp" (plain or SRTP over UDP) or "webrtc" (ICE + DTLS-SRTP bundle).</summary>
    [property: Id(7)] string Transport);
