using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Sparkle.Sip.Messages;

/// <summary>Parses SIP messages from bytes. Tolerant where RFC 3261 allows (compact names, case, folding,
/// extra whitespace), strict on the start line, the mandatory headers and Content-Length.</summary>
public static class SipParser
{
    public const int MaxHeaderBytes = 64 * 1024;
    public const int MaxBodyBytes = 1024 * 1024;
    public const int MaxHeaderCount = 256;

    /// <summary>Parses one UDP datagram: the body is the rest of the datagram (shortened by Content-Length).</summary>
    public static SipParseResult ParseDatagram(ReadOnlySpan<byte> data) => Parse(data, stream: false, MaxHeaderBytes, MaxBodyBytes);

    /// <summary>Frames one message from the start of a TCP/TLS byte stream. Returns Incomplete until the
    /// headers and Content-Length bytes of body are all there; leading CRLF keep-alives are consumed.</summary>
    public static SipParseResult ParseStream(ReadOnlySpan<byte> data) => Parse(data, stream: true, MaxHeaderBytes, MaxBodyBytes);

    /// <summary>As <see cref="ParseStream(ReadOnlySpan{byte})"/> with a connection's own, tighter limits: a
    /// header section or a declared Content-Length above them is Invalid before the bytes are waited for.</summary>
    public static SipParseResult ParseStream(ReadOnlySpan<byte> data, int maxHeaderBytes, int maxBodyBytes) =>
        Parse(data, stream: true, Math.Min(maxHeaderBytes, MaxHeaderBytes), Math.Min(maxBodyBytes, MaxBodyBytes));

    public static SipParseResult ParseStream(in ReadOnlySequence<byte> data)
    {
        if (data.IsSingleSegment)
        {
            return ParseStream(data.FirstSpan);
        }
        var length = (int)Math.Min(data.Length, MaxHeaderBytes + MaxBodyBytes + 4);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            data.Slice(0, length).CopyTo(rented);
            return ParseStream(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static SipParseResult Parse(ReadOnlySpan<byte> data, bool stream, int maxHeaderBytes, int maxBodyBytes)
    {
        var skipped = 0;
        while (skipped < data.Length && (data[skipped] == (byte)'\r' || data[skipped] == (byte)'\n'))
        {
            skipped++;
        }
        var rest = data[skipped..];
        if (rest.IsEmpty)
        {
            return stream ? SipParseResult.Incomplete(skipped) : Invalid(null, skipped, "empty datagram");
        }
        var headerEnd = rest.IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0)
        {
            if (!stream)
            {
                return Invalid(null, data.Length, "no empty line after the headers");
            }
            return rest.Length > maxHeaderBytes
                ? Invalid(null, data.Length, "headers too large")
                : SipParseResult.Incomplete(skipped);
        }
        if (headerEnd > maxHeaderBytes)
        {
            return Invalid(null, skipped + headerEnd + 4, "headers too large");
        }
        var head = rest[..headerEnd];
        var bodyStart = headerEnd + 4;

        var message = ParseHead(head, out var headError);
        if (message is null)
        {
            return Invalid(null, skipped + bodyStart, headError ?? "bad start line");
        }

        // Content-Length: mandatory on streams (RFC 3261 §18.3), the only way to find the message's end.
        var clText = message.Headers.Get(HeaderNames.ContentLength);
        int? contentLength = null;
        if (clText is not null)
        {
            if (!int.TryParse(clText.Trim(), System.Globalization.NumberStyles.None, null, out var cl) || cl > maxBodyBytes)
            {
                return Invalid(message, stream ? data.Length : skipped + bodyStart,
                    cl > maxBodyBytes ? "Content-Length above the limit" : "bad Content-Length");
            }
            contentLength = cl;
        }
        else if (stream)
        {
            return Invalid(message, data.Length, "Content-Length missing on a stream transport");
        }

        var available = rest.Length - bodyStart;
        int bodyLength;
        if (contentLength is { } length)
        {
            if (length > available)
            {
                if (stream)
                {
                    return SipParseResult.Incomplete(skipped);
                }
                return Invalid(message, data.Length, "Content-Length larger than the datagram");
            }
            bodyLength = length;
        }
        else
        {
            bodyLength = available;
        }
        message.Body = rest.Slice(bodyStart, bodyLength).ToArray();
        var consumed = stream ? skipped + bodyStart + bodyLength : data.Length;

        if (headError is not null)
        {
            return Invalid(message, consumed, headError, message is SipRequest && headError.StartsWith("version", StringComparison.Ordinal) ? 505 : 400);
        }
        var mandatoryError = ValidateMandatory(message);
        return mandatoryError is null
            ? new SipParseResult(SipParseStatus.Complete, message, consumed)
            : Invalid(message, consumed, mandatoryError);
    }

    /// <summary>Whether a broken request still carries what a response needs (§8.2.6) and is no ACK.</summary>
    public static bool CanAnswer(SipMessage? message) =>
        message is SipRequest { Method: not SipMethods.Ack } request
        && request.TopVia is not null
        && request.From is not null
        && request.To is not null
        && !string.IsNullOrWhiteSpace(request.CallId)
        && request.CSeq is not null;

    /// <summary>Reads the start line and header fields from the head's bytes, line by line; only names and
    /// values become strings. Returns null when the start line is unusable; <paramref name="error"/> is set
    /// for problems that still leave a message to answer.</summary>
    private static SipMessage? ParseHead(ReadOnlySpan<byte> head, out string? error)
    {
        error = null;
        var lineEnd = head.IndexOf("\r\n"u8);
        var startLine = lineEnd < 0 ? head : head[..lineEnd];
        if (!Utf8.IsValid(startLine))
        {
            error = "invalid UTF-8 in the start line";
            return null;
        }
        var message = ParseStartLine(Encoding.UTF8.GetString(startLine), out var startError);
        if (message is null)
        {
            error = startError;
            return null;
        }
        error = startError;
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        string? name = null;
        var value = new StringBuilder();
        var count = 0;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf("\r\n"u8);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 2)..];
            if (!Utf8.IsValid(line))
            {
                // Keep reading so the request can still be answered, but never accept it.
                error ??= "invalid UTF-8 in the headers";
            }
            if (line.Length > 0 && (line[0] == (byte)' ' || line[0] == (byte)'\t'))
            {
                // Folding (RFC 3261 §7.3.1): a continuation line joins the previous value with one space.
                if (name is null)
                {
                    error ??= "continuation line without a header";
                    continue;
                }
                value.Append(' ').Append(Encoding.UTF8.GetString(line.Trim(" \t"u8)));
                continue;
            }
            if (name is not null)
            {
                message.Headers.Add(name, value.ToString().Trim());
                name = null;
            }
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !IsToken(line[..colon].Trim(" \t"u8)) || ContainsControl(line))
            {
                error ??= "malformed header line";
                continue;
            }
            if (++count > MaxHeaderCount)
            {
                // Keep reading (the head is bounded by MaxHeaderBytes) so the 400 can still be addressed.
                error ??= "too many headers";
            }
            name = Encoding.ASCII.GetString(line[..colon].Trim(" \t"u8));
            value.Clear().Append(Encoding.UTF8.GetString(line[(colon + 1)..].Trim(" \t"u8)));
        }
        if (name is not null)
        {
            message.Headers.Add(name, value.ToString().Trim());
        }
        return message;
    }

    private static bool IsToken(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }
        foreach (var b in text)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || "-.!%*_+`'~"u8.Contains(b)))
            {
                return false;
            }
        }
        return true;
    }

    private static SipMessage? ParseStartLine(string line, out string? error)
    {
        error = null;
        if (line.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase))
        {
            // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
            var parts = line.Split(' ', 3);
            if (parts.Length < 2 || !parts[0].Equals("SIP/2.0", StringComparison.OrdinalIgnoreCase)
                || parts[1].Length != 3 || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, null, out var code)
                || code < 100 || code > 699)
            {
                error = "bad status line";
                return null;
            }
            return new SipResponse(code, parts.Length == 3 ? parts[2] : "");
        }
        // Request-Line = Method SP Request-URI SP SIP-Version: exactly single spaces.
        var tokens = line.Split(' ');
        if (tokens.Length != 3 || !HeaderValues.IsToken(tokens[0]) || !SipUri.TryParse(tokens[1], out var uri))
        {
            error = "bad request line";
            return null;
        }
        var request = new SipRequest(tokens[0], uri);
        if (!tokens[2].Equals("SIP/2.0", StringComparison.OrdinalIgnoreCase))
        {
            if (!tokens[2].StartsWith("SIP/", StringComparison.OrdinalIgnoreCase))
            {
                error = "bad request line";
                return null;
            }
            error = "version not supported";
        }
        return request;
    }

    /// <summary>Headers that may appear once (RFC 3261 §7.3.1, §20): two that differ make the message
    /// ambiguous (one layer could read the first, another the second), so it is refused.</summary>
    private static readonly string[] s_singleValued =
        [HeaderNames.CallId, HeaderNames.CSeq, HeaderNames.From, HeaderNames.To, HeaderNames.MaxForwards, HeaderNames.ContentType];

    private static string? ValidateMandatory(SipMessage message)
    {
        var h = message.Headers;
        foreach (var name in s_singleValued)
        {
            if (h.GetLines(name).Distinct(StringComparer.Ordinal).Skip(1).Any())
            {
                return "conflicting " + name + " headers";
            }
        }
        if (!h.Contains(HeaderNames.Via) || message.TopVia is null)
        {
            return "missing or bad Via";
        }
        if (message.From is null)
        {
            return "missing or bad From";
        }
        if (message.To is null)
        {
            return "missing or bad To";
        }
        if (string.IsNullOrWhiteSpace(message.CallId))
        {
            return "missing Call-ID";
        }
        if (message.CSeq is not { } cseq)
        {
            return "missing or bad CSeq";
        }
        if (message is SipRequest request)
        {
            if (!string.Equals(cseq.Method, request.Method, StringComparison.Ordinal))
            {
                return "CSeq method does not match the request method";
            }
            if (h.Get(HeaderNames.MaxForwards) is not { } mf
                || !int.TryParse(mf, System.Globalization.NumberStyles.None, null, out var hops) || hops > 255)
            {
                return "missing or bad Max-Forwards";
            }
            if (h.GetLines(HeaderNames.ContentLength).Count() > 1)
            {
                return "several Content-Length headers";
            }
        }
        return null;
    }

    private static bool ContainsControl(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b < 0x20 && b != (byte)'\t' || b == 0x7F)
            {
                return true;
            }
        }
        return false;
    }

    private static SipParseResult Invalid(SipMessage? partial, int consumed, string error, int status = 400) =>
        new(SipParseStatus.Invalid, partial, consumed, error, status);
}
