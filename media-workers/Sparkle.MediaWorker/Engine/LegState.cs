using Sparkle.Grains.Media;
using Sparkle.Media.Mixing;
using Sparkle.Media.Sdp;
using Sparkle.Media.Transport;
using Sparkle.Media.WebRtc;
using Sparkle.MediaWorker.Telemetry;

namespace Sparkle.MediaWorker.Engine;

/// <summary>One participant's leg on this worker: its transports, its place in the mix, what was
/// negotiated and the controls last applied.</summary>
internal sealed class LegState(string participantId, string displayName, AudioLegTransport transport, LocalAudioEndpoint local)
{
    public string ParticipantId { get; } = participantId;
    public string DisplayName { get; } = displayName;
    public AudioLegTransport Transport { get; } = transport;
    /// <summary>A browser's leg: the one port its ICE, DTLS, audio and video share (the transports only send on it).</summary>
    public WebRtcBundle? WebRtc { get; init; }
    /// <summary>The video port pair's transport while the leg has (or is offering) video.</summary>
    public VideoLegTransport? Video { get; set; }
    public LocalAudioEndpoint Local { get; set; } = local;
    public MixerLeg? MixerLeg { get; set; }
    /// <summary>Our offer while we wait for the answer (dial-out, offerless INVITE).</summary>
    public SdpOffer? PendingOffer { get; set; }
    public string? LocalSdp { get; set; }
    public LegControl Control { get; set; } = new(Muted: false, SpeakingAllowed: true, VideoOn: true, VideoAllowed: true);
    public bool ReportedSilent { get; set; }
    public bool Started { get; set; }
    public bool VideoStarted { get; set; }
    /// <summary>Video negotiated and in the meeting's video conference.</summary>
    public bool VideoActive { get; set; }
    /// <summary>Counts replay requests: only the newest one's audio is played (under the engine's lock).</summary>
    public long ReplayGeneration { get; set; }
    /// <summary>Receive counters at the last quality sample (for the loss histogram).</summary>
    public LegQualityWindow Quality { get; } = new();
}
