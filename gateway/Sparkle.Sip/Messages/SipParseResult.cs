namespace Sparkle.Sip.Messages;

public enum SipParseStatus
{
    /// <summary>A whole message was read.</summary>
    Complete,
    /// <summary>More bytes are needed (stream framing only).</summary>
    Incomplete,
    /// <summary>The bytes are not a valid message. <see cref="SipParseResult.Message"/> may hold what was
    /// read, so a request with intact Via/From/To/Call-ID/CSeq can still be answered 400.</summary>
    Invalid,
}

/// <param name="Consumed">Bytes the caller may discard (the message, or leading keep-alive CRLFs).</param>
/// <param name="ErrorStatusCode">The response an invalid request deserves (400, or 505 for a bad version).</param>
public readonly record struct SipParseResult(
    SipParseStatus Status,
    SipMessage? Message,
    int Consumed,
    string? Error = null,
    int ErrorStatusCode = 400)
{
    public static SipParseResult Incomplete(int consumed) => new(SipParseStatus.Incomplete, null, consumed);
}
