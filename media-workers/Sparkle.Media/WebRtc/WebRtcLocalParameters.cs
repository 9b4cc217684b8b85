using Sparkle.Video.Codecs;

namespace Sparkle.Media.WebRtc;

/// <summary>Our side: ICE-lite, DTLS server, one UDP port for everything (BUNDLE + rtcp-mux), optionally a
/// passive ICE-TCP candidate (RFC 6544) for browsers whose UDP is blocked.</summary>
public sealed record WebRtcLocalParameters(
    string Address,
    int UdpPort,
    int? TcpPort,
    string IceUfrag,
    string IcePassword,
    string Sha256Fingerprint,
    uint AudioSsrc,
    uint VideoSsrc,
    string Cname,
    ulong SessionId,
    ulong SessionVersion)
{
    /// <summary>False: video m-lines are rejected (port 0).</summary>
    public bool VideoEnabled { get; init; } = true;

    /// <summary>The codec we answer when the offer has both H.264 (mode 1, baseline) and VP8.</summary>
    public VideoCodec PreferredVideoCodec { get; init; } = VideoCodec.H264;

    /// <summary>The b=AS we put on video: what we ask the browser to send at most.</summary>
    public int ReceiveBitrateKbps { get; init; } = 1500;

    internal bool IsIPv6 => Address.Contains(':', StringComparison.Ordinal);
}
