using System.Text;

namespace Sparkle.Sip.Tests.Messages;

/// <summary>RFC 4475-style torture cases, written for this stack. Expected: a status code the stack must
/// answer with, or <see cref="Drop"/> when the message cannot be answered (no usable Via/From/To/Call-ID/CSeq
/// or no start line).</summary>
public static class MalformedCorpus
{
    public const int Drop = 0;

    private const string Valid =
        "OPTIONS sip:factory@tenant.example SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:{PORT};branch=z9hG4bK{ID};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: <sip:factory@tenant.example>\r\n" +
        "From: <sip:1001@tenant.example>;tag=f{ID}\r\n" +
        "Call-ID: {ID}@torture\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        "Content-Length: 0\r\n\r\n";

    /// <summary>(name, message text with {PORT}/{ID} placeholders, raw byte patch, expected status).</summary>
    public static IEnumerable<(string Name, Func<string, string> Mutate, int Expected)> Cases()
    {
        yield return ("valid baseline", m => m, 200);
        yield return ("double space in request line", m => m.Replace("OPTIONS sip:", "OPTIONS  sip:"), Drop);
        yield return ("trailing token in request line", m => m.Replace(" SIP/2.0\r\nVia", " SIP/2.0 extra\r\nVia"), Drop);
        yield return ("no SIP version", m => m.Replace(" SIP/2.0\r\nVia", "\r\nVia"), Drop);
        yield return ("request URI without host", m => m.Replace("sip:factory@tenant.example SIP", "sip: SIP"), Drop);
        yield return ("request URI with space", m => m.Replace("sip:factory@tenant.example SIP", "sip:fac tory@tenant.example SIP"), Drop);
        yield return ("version 7.0", m => m.Replace(" SIP/2.0\r\nVia", " SIP/7.0\r\nVia"), 505);
        yield return ("lower-case version is still 2.0", m => m.Replace(" SIP/2.0\r\nVia", " sip/2.0\r\nVia"), 200);
        yield return ("unknown method", m => m.Replace("OPTIONS sip:", "NEWMETHOD sip:").Replace("1 OPTIONS", "1 NEWMETHOD"), 501);
        yield return ("method is case-sensitive", m => m.Replace("OPTIONS sip:", "options sip:").Replace("1 OPTIONS", "1 options"), 501);
        yield return ("tel request URI", m => m.Replace("sip:factory@tenant.example SIP", "tel:+14155551212 SIP"), 416);
        yield return ("missing Via", m => Without(m, "Via"), Drop);
        yield return ("missing From", m => Without(m, "From"), Drop);
        yield return ("missing To", m => Without(m, "To"), Drop);
        yield return ("missing Call-ID", m => Without(m, "Call-ID"), Drop);
        yield return ("missing CSeq", m => Without(m, "CSeq"), Drop);
        yield return ("missing Max-Forwards", m => Without(m, "Max-Forwards"), 400);
        yield return ("Max-Forwards not a number", m => m.Replace("Max-Forwards: 70", "Max-Forwards: seventy"), 400);
        yield return ("Max-Forwards 0 on INVITE", m => m.Replace("OPTIONS sip:", "INVITE sip:").Replace("1 OPTIONS", "1 INVITE").Replace("Max-Forwards: 70", "Max-Forwards: 0"), 483);
        yield return ("CSeq method mismatch", m => m.Replace("1 OPTIONS", "1 INVITE"), 400);
        yield return ("CSeq number too large", m => m.Replace("CSeq: 1 OPTIONS", "CSeq: 4294967296 OPTIONS"), Drop);
        yield return ("CSeq negative", m => m.Replace("CSeq: 1 OPTIONS", "CSeq: -1 OPTIONS"), Drop);
        yield return ("Via without sent-by", m => m.Replace("SIP/2.0/UDP 127.0.0.1:{PORT};branch=z9hG4bK{ID};rport", "SIP/2.0/UDP"), Drop);
        yield return ("Via with bad port", m => m.Replace("127.0.0.1:{PORT};branch", "127.0.0.1:99999;branch"), Drop);
        yield return ("From with unterminated quote", m => m.Replace("From: <sip:", "From: \"Alice <sip:"), Drop);
        yield return ("To without closing bracket", m => m.Replace("To: <sip:factory@tenant.example>", "To: <sip:factory@tenant.example"), Drop);
        yield return ("Content-Length larger than body", m => m.Replace("Content-Length: 0", "Content-Length: 500"), 400);
        yield return ("Content-Length negative", m => m.Replace("Content-Length: 0", "Content-Length: -5"), 400);
        yield return ("Content-Length not a number", m => m.Replace("Content-Length: 0", "Content-Length: zero"), 400);
        yield return ("two Content-Length headers", m => m.Replace("Content-Length: 0", "Content-Length: 0\r\nContent-Length: 0"), 400);
        yield return ("Content-Length shorter than body is fine", m => m + "trailing bytes", 200);
        yield return ("no Content-Length on UDP is fine", m => Without(m, "Content-Length"), 200);
        yield return ("header line without colon", m => m.Replace("Max-Forwards: 70", "Max-Forwards: 70\r\nNoColonHere"), 400);
        yield return ("header name with space", m => m.Replace("Max-Forwards: 70", "Max-Forwards: 70\r\nBad Name: x"), 400);
        yield return ("NUL in a header value", m => m.Replace("Max-Forwards: 70", "Max-Forwards: 70\r\nSubject: a\0b"), 400);
        yield return ("continuation before any header", m => m.Replace("\r\nVia:", "\r\n folded-first\r\nVia:"), 400);
        yield return ("unknown Require option", m => m.Replace("Max-Forwards: 70", "Max-Forwards: 70\r\nRequire: nonexistent-ext"), 420);
        yield return ("big but legal header", m => m.Replace("Max-Forwards: 70", "Max-Forwards: 70\r\nX-Big: " + new string('a', 20000)), 200);
        yield return ("many unknown headers", m => m.Replace("Max-Forwards: 70", "Max-Forwards: 70" + string.Concat(Enumerable.Range(0, 100).Select(i => $"\r\nX-H{i}: {i}"))), 200);
        yield return ("too many headers", m => m.Replace("Max-Forwards: 70", "Max-Forwards: 70" + string.Concat(Enumerable.Range(0, 300).Select(i => $"\r\nX-H{i}: {i}"))), 400);
        yield return ("escaped user part", m => m.Replace("sip:factory@tenant.example SIP", "sip:user;par=u%40example.net@tenant.example SIP"), 200);
        yield return ("compact headers and odd spacing", m => m.Replace("Via:", "v   :").Replace("Call-ID:", "i:").Replace("From:", "f:"), 200);
        yield return ("status line with bad code", m => "SIP/2.0 9999 Nope\r\n" + m[(m.IndexOf('\n') + 1)..], Drop);
        yield return ("no empty line after headers", m => m[..^2], Drop);
        yield return ("garbage", _ => "\u0001\u0002 not sip at all", Drop);
    }

    /// <summary>Cases built from raw bytes (invalid UTF-8).</summary>
    public static IEnumerable<(string Name, Func<string, byte[]> Build, int Expected)> ByteCases()
    {
        yield return ("invalid UTF-8 in a header value", m => Patch(m, "Max-Forwards: 70\r\n", "Subject: ", [0xC3, 0x28, 0xFF, 0xFE]), 400);
        yield return ("invalid UTF-8 in the request line", m => Patch(m, "", "", [0xFF, 0xFE, (byte)' ']), Drop);
    }

    public static string Template => Valid;

    public static string Render(string message, string port, string id) => message.Replace("{PORT}", port).Replace("{ID}", id);

    private static string Without(string message, string header)
    {
        var lines = message.Split("\r\n").Where(l => !l.StartsWith(header + ":", StringComparison.Ordinal));
        return string.Join("\r\n", lines);
    }

    private static byte[] Patch(string message, string after, string prefix, byte[] raw)
    {
        var at = after.Length == 0 ? 0 : message.IndexOf(after, StringComparison.Ordinal) + after.Length;
        var head = Encoding.UTF8.GetBytes(message[..at] + prefix);
        var tail = Encoding.UTF8.GetBytes((after.Length == 0 ? "" : "\r\n") + message[at..]);
        return [.. head, .. raw, .. tail];
    }
}
