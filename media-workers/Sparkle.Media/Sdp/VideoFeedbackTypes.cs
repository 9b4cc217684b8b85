namespace Sparkle.Media.Sdp;

/// <summary>The RTCP feedback (a=rtcp-fb, RFC 4585 §4.2) both sides agreed on for the video stream.</summary>
[Flags]
public enum VideoFeedbackTypes
{
    None = 0,

    /// <summary><c>nack</c>: generic NACK; lost packets are retransmitted from the shared history.</summary>
    Nack = 1,

    /// <summary><c>nack pli</c>: Picture Loss Indication asks for a key frame.</summary>
    Pli = 2,

    /// <summary><c>ccm fir</c>: Full Intra Request (RFC 5104) asks for a key frame.</summary>
    Fir = 4,

    /// <summary><c>ccm tmmbr</c>: the peer may cap our bitrate (answered with TMMBN).</summary>
    Tmmbr = 8,

    /// <summary><c>goog-remb</c>: the peer reports its estimated receive bitrate.</summary>
    Remb = 16,
}
