using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Sparkle.Sip.Messages;

/// <summary>A sip:/sips: URI (RFC 3261 §19.1). Other schemes (tel:, urn:...) parse with only
/// <see cref="Scheme"/> and <see cref="Raw"/> set, so a UAS can answer 416.</summary>
public sealed class SipUri
{
    public string Scheme { get; set; } = "sip";
    public string? User { get; set; }
    public string? Password { get; set; }
    public string Host { get; set; } = "";
    public int? Port { get; set; }
    public SipParameters Parameters { get; private set; } = new();
    public string? Headers { get; set; }
    /// <summary>The text of a URI whose scheme is not sip/sips.</summary>
    public string? Raw { get; private set; }

    public bool IsSip => Raw is null;
    public bool IsSecure => string.Equals(Scheme, "sips", StringComparison.OrdinalIgnoreCase);

    /// <summary>The host without IPv6 brackets.</summary>
    public string HostName => Host.StartsWith('[') && Host.EndsWith(']') ? Host[1..^1] : Host;

    public string? Transport => Parameters["transport"];

    public SipUri() { }

    public SipUri(string scheme, string? user, string host, int? port = null)
    {
        Scheme = scheme;
        User = user;
        Host = host;
        Port = port;
    }

    public static SipUri Parse(string text) =>
        TryParse(text, out var uri) ? uri : throw new FormatException($"Invalid SIP URI: {text}");

    public static bool TryParse(string? text, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim();
        var colon = text.IndexOf(':');
        if (colon <= 0 || !IsScheme(text.AsSpan(0, colon)))
        {
            return false;
        }
        var scheme = text[..colon];
        if (!scheme.Equals("sip", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("sips", StringComparison.OrdinalIgnoreCase))
        {
            if (text.AsSpan().IndexOfAny(" \t\r\n<>\"") >= 0)
            {
                return false;
            }
            uri = new SipUri { Scheme = scheme.ToLowerInvariant(), Raw = text };
            return true;
        }
        var rest = text[(colon + 1)..];
        if (rest.AsSpan().IndexOfAny(" \t\r\n<>\"") >= 0)
        {
            return false;
        }
        var result = new SipUri { Scheme = scheme.ToLowerInvariant() };
        var q = rest.IndexOf('?');
        if (q >= 0)
        {
            result.Headers = rest[(q + 1)..];
            rest = rest[..q];
        }
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var pc = userInfo.IndexOf(':');
            result.User = pc >= 0 ? userInfo[..pc] : userInfo;
            result.Password = pc >= 0 ? userInfo[(pc + 1)..] : null;
            if (result.User.Length == 0)
            {
                return false;
            }
        }
        var semi = rest.IndexOf(';');
        var hostPort = semi >= 0 ? rest[..semi] : rest;
        if (semi >= 0)
        {
            result.Parameters = SipParameters.Parse(rest[(semi + 1)..]);
        }
        if (!TryParseHostPort(hostPort, out var host, out var port))
        {
            return false;
        }
        result.Host = host;
        result.Port = port;
        uri = result;
        return true;
    }

    /// <summary>Parses "host", "host:port", "[v6]" or "[v6]:port".</summary>
    public static bool TryParseHostPort(string text, out string host, out int? port)
    {
        host = "";
        port = null;
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0)
            {
                return false;
            }
            host = text[..(close + 1)];
            portText = text[(close + 1)..];
            if (portText.Length > 0 && portText[0] != ':')
            {
                return false;
            }
            portText = portText.Length > 0 ? portText[1..] : "";
        }
        else
        {
            var c = text.IndexOf(':');
            host = c >= 0 ? text[..c] : text;
            portText = c >= 0 ? text[(c + 1)..] : "";
            if (c >= 0 && portText.Length == 0)
            {
                return false;
            }
        }
        if (host.Length == 0)
        {
            return false;
        }
        foreach (var ch in host)
        {
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '[' or ']' or ':' or '_'))
            {
                return false;
            }
        }
        if (portText.Length > 0)
        {
            if (!int.TryParse(portText, System.Globalization.NumberStyles.None, null, out var p) || p is < 1 or > 65535)
            {
                return false;
            }
            port = p;
        }
        return true;
    }

    public SipUri Clone()
    {
        var copy = (SipUri)MemberwiseClone();
        copy.Parameters = Parameters.Clone();
        return copy;
    }

    /// <summary>The address-of-record form: scheme, user and host only (registrar keys, dialog URIs).</summary>
    public string ToAor() => User is null ? $"{Scheme}:{Host}" : $"{Scheme}:{User}@{Host}";

    public override string ToString()
    {
        if (Raw is not null)
        {
            return Raw;
        }
        var sb = new StringBuilder(Scheme).Append(':');
        if (User is not null)
        {
            sb.Append(User);
            if (Password is not null)
            {
                sb.Append(':').Append(Password);
            }
            sb.Append('@');
        }
        sb.Append(Host);
        if (Port is { } port)
        {
            sb.Append(':').Append(port);
        }
        Parameters.AppendTo(sb);
        if (Headers is not null)
        {
            sb.Append('?').Append(Headers);
        }
        return sb.ToString();
    }

    private static bool IsScheme(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty || !char.IsAsciiLetter(s[0]))
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
            {
                return false;
            }
        }
        return true;
    }
}
