using System.Net;
using Sparkle.Video.Codecs;

namespace Sparkle.Media.Sdp;

/// <summary>What an offer/answer exchange settled for the video stream: one codec and payload type
/// used both ways, the peer's format parameters for what it receives, feedback, addresses and keys.</summary>
public sealed record NegotiatedVideo(
    VideoCodec Codec,
    byte PayloadType,
    /// <summary>The peer's a=fmtp for the payload type: what it can decode (level, max-fs, packetization-mode).</summary>
    string? RemoteFormatParameters,
    /// <summary>Our direction: whether we send and/or receive.</summary>
    MediaDirection Direction,
    /// <summary>Where to send RTP; null when the peer holds (c=0.0.0.0) or has no address.</summary>
    IPEndPoint? RemoteRtp,
    /// <summary>Where to send RTCP (the RTP address when rtcp-mux).</summary>
    IPEndPoint? RemoteRtcp,
    bool RtcpMux,
    /// <summary>Null for plain RTP.</summary>
    SrtpKeys? Srtp,
    VideoFeedbackTypes Feedback,
    /// <summary>The peer's b=AS for this stream in kbit/s (what it wants to receive at most); 0 when absent.</summary>
    int RemoteBandwidthKbps)
{
    /// <summary>The peer's receive capabilities, parsed.</summary>
    public VideoFormatParameters Parameters => VideoFormatParameters.Parse(Codec, RemoteFormatParameters);
}
