using System.Text;
using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Tests.Support;

/// <summary>Wire-format sample messages (CRLF line ends).</summary>
public static class Messages
{
    public static string Invite(string branch = "z9hG4bK776asdhds", string callId = "a84b4c76e66710@pc33.atlanta.com",
        uint cseq = 314159, string toTag = "", string method = "INVITE", string body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n",
        string extra = "") =>
        $"{method} sip:factory@tenant.example SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 127.0.0.1:5070;branch={branch};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        $"To: <sip:factory@tenant.example>{(toTag.Length > 0 ? ";tag=" + toTag : "")}\r\n" +
        "From: \"Alice\" <sip:1001@tenant.example>;tag=1928301774\r\n" +
        $"Call-ID: {callId}\r\n" +
        $"CSeq: {cseq} {method}\r\n" +
        "Contact: <sip:1001@127.0.0.1:5070>\r\n" +
        extra +
        (body.Length > 0 ? "Content-Type: application/sdp\r\n" : "") +
        $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n" + body;

    public static SipMessage ParseRequestOrResponse(string text)
    {
        var result = SipParser.ParseDatagram(Encoding.UTF8.GetBytes(text));
        Assert.Equal(SipParseStatus.Complete, result.Status);
        return result.Message!;
    }

    public static SipRequest ParseRequest(string text)
    {
        var result = SipParser.ParseDatagram(Encoding.UTF8.GetBytes(text));
        Assert.Equal(SipParseStatus.Complete, result.Status);
        return (SipRequest)result.Message!;
    }
}
