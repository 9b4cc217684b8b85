using Sparkle.Media.Srtp;

namespace Sparkle.Media.Sdp;

/// <summary>SRTP keys agreed by SDES: ours protect what we send, the peer's unprotect what we receive.</summary>
public sealed record SrtpKeys(SrtpSuite Suite, byte[] LocalKeyMaterial, byte[] RemoteKeyMaterial)
{
    /// <summary>Received RTCP arrives already unprotected: a WebRTC bundle removes SRTCP for all the streams of
    /// its port, because one compound may concern audio and video alike (a receive-only browser reports on both
    /// from one SSRC).</summary>
    public bool RtcpUnprotectedUpstream { get; init; }
}
