using Sparkle.Media.Sdp;

namespace Sparkle.Media.WebRtc;

/// <summary>Our answer to a browser and what it settled. Addresses are null in the negotiated streams (ICE
/// finds the browser's address) and so are keys (DTLS-SRTP exports them after the handshake).</summary>
public sealed record WebRtcAnswer(
    string Sdp,
    NegotiatedAudio? Audio,
    NegotiatedVideo? Video,
    IReadOnlyList<uint> RemoteAudioSsrcs,
    IReadOnlyList<uint> RemoteVideoSsrcs);
