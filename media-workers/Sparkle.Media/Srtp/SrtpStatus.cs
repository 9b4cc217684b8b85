namespace Sparkle.Media.Srtp;

public enum SrtpStatus
{
    Ok = 0,
    /// <summary>Too short or not an RTP/RTCP packet.</summary>
    Malformed = 1,
    AuthenticationFailed = 2,
    Replay = 3,
    /// <summary>The buffer has no room for the tag.</summary>
    BufferTooSmall = 4,
}
