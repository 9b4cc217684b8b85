using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Sparkle.Sip.Messages;

/// <summary>One Via element: "SIP/2.0/UDP host:port;branch=...;received=...;rport".</summary>
public sealed class ViaHeader
{
    public const string MagicCookie = "z9hG4bK";

    public string Transport { get; set; } = "UDP";
    public string Host { get; set; } = "";
    public int? Port { get; set; }
    public SipParameters Parameters { get; private set; } = new();

    public string? Branch
    {
        get => Parameters["branch"];
        set => Parameters["branch"] = value;
    }

    /// <summary>The host without IPv6 brackets.</summary>
    public string HostName() => Host.StartsWith('[') && Host.EndsWith(']') ? Host[1..^1] : Host;

    public string? Received
    {
        get => Parameters["received"];
        set => Parameters["received"] = value;
    }

    /// <summary>The sent-by value used in transaction matching (host:port, port defaulted per transport).</summary>
    public string SentBy => $"{Host.ToLowerInvariant()}:{Port ?? DefaultPort(Transport)}";

    public static int DefaultPort(string transport) =>
        transport.Equals("TLS", StringComparison.OrdinalIgnoreCase) ? 5061 : 5060;

    public static string NewBranch() => MagicCookie + Guid.NewGuid().ToString("N")[..20];

    public static bool TryParse(string? text, [NotNullWhen(true)] out ViaHeader? via)
    {
        via = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim();
        // sent-protocol: name / version / transport, with optional LWS around the slashes.
        var parts = new string[3];
        var pos = 0;
        for (var i = 0; i < 3; i++)
        {
            var end = i < 2 ? text.IndexOf('/', pos) : IndexOfWhitespace(text, pos);
            if (end < 0)
            {
                return false;
            }
            parts[i] = text[pos..end].Trim();
            pos = end + (i < 2 ? 1 : 0);
            if (i == 1)
            {
                while (pos < text.Length && char.IsWhiteSpace(text[pos]))
                {
                    pos++;
                }
            }
        }
        if (!parts[0].Equals("SIP", StringComparison.OrdinalIgnoreCase) || parts[1] != "2.0" || !HeaderValues.IsToken(parts[2]))
        {
            return false;
        }
        var rest = text[pos..].Trim();
        var semi = rest.IndexOf(';');
        var hostPort = (semi >= 0 ? rest[..semi] : rest).Replace(" ", "");
        if (!SipUri.TryParseHostPort(hostPort, out var host, out var port))
        {
            return false;
        }
        via = new ViaHeader { Transport = parts[2].ToUpperInvariant(), Host = host, Port = port };
        if (semi >= 0)
        {
            via.Parameters = SipParameters.Parse(rest[(semi + 1)..]);
        }
        return true;
    }

    public override string ToString()
    {
        var sb = new StringBuilder("SIP/2.0/").Append(Transport).Append(' ').Append(Host);
        if (Port is { } port)
        {
            sb.Append(':').Append(port);
        }
        Parameters.AppendTo(sb);
        return sb.ToString();
    }

    private static int IndexOfWhitespace(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] is ' ' or '\t')
            {
                // The transport token ends at the first whitespace after it starts.
                if (i > from && text[from..i].Trim().Length > 0)
                {
                    return i;
                }
            }
        }
        return -1;
    }
}
