using Sparkle.Grains.Media;
using Sparkle.Media.Mixing;
using Sparkle.Media.Sdp;
using Sparkle.Media.Transport;

namespace Sparkle.MediaWorker.Engine;

/// <summary>One participant's leg on this worker: its transport, its place in the mix, what was
/// negotiated and the controls last applied.</summary>
internal sealed class LegState(string participantId, AudioLegTransport transport, LocalAudioEndpoint local)
{
    public string ParticipantId { get; } = participantId;
    public AudioLegTransport Transport { get; } = transport;
    public LocalAudioEndpoint Local { get; set; } = local;
    public MixerLeg? MixerLeg { get; set; }
    /// <summary>Our offer while we wait for the answer (dial-out, offerless INVITE).</summary>
    public SdpOffer? PendingOffer { get; set; }
    public string? LocalSdp { get; set; }
    public LegControl Control { get; set; } = new(Muted: false, SpeakingAllowed: true, VideoOn: true, VideoAllowed: true);
    public bool ReportedSilent { get; set; }
    public bool Started { get; set; }
}
