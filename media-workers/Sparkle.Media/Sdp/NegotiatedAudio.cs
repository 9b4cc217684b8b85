using System.Net;
using Sparkle.Media.Codecs;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.Sdp;

/// <summary>What an offer/answer exchange settled for the audio stream.</summary>
public sealed record NegotiatedAudio(
    AudioCodec Codec,
    byte PayloadType,
    /// <summary>The telephone-event payload type, when both sides have one at the codec's clock.</summary>
    byte? TelephoneEventPayloadType,
    /// <summary>Our direction: whether we send and/or receive.</summary>
    MediaDirection Direction,
    /// <summary>Where to send RTP; null when the peer holds (c=0.0.0.0) or has no address.</summary>
    IPEndPoint? RemoteRtp,
    /// <summary>Where to send RTCP (the RTP address when rtcp-mux).</summary>
    IPEndPoint? RemoteRtcp,
    bool RtcpMux,
    /// <summary>Null for plain RTP.</summary>
    SrtpKeys? Srtp,
    /// <summary>The RFC 6464 audio-level header extension id both sides use, if the peer offered it.</summary>
    byte? AudioLevelId = null);
