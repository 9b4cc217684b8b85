using Sparkle.Media.Sdp;

namespace Sparkle.Media.Transport;

/// <summary>The negotiated state an audio leg's transport runs with.</summary>
internal sealed class LegSettings(NegotiatedAudio audio) : RtpLegSettings(audio.Srtp, audio.RemoteRtp, audio.RemoteRtcp)
{
    public NegotiatedAudio Audio { get; } = audio;
}
