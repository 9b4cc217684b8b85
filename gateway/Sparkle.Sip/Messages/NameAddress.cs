using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Sparkle.Sip.Messages;

/// <summary>A name-addr or addr-spec with header parameters: From, To, Contact, Route, Refer-To.</summary>
public sealed class NameAddress
{
    public string? DisplayName { get; set; }
    public SipUri Uri { get; set; }
    public SipParameters Parameters { get; private set; } = new();

    public string? Tag
    {
        get => Parameters["tag"];
        set
        {
            if (value is null)
            {
                Parameters.Remove("tag");
            }
            else
            {
                Parameters["tag"] = value;
            }
        }
    }

    public NameAddress(SipUri uri, string? displayName = null)
    {
        Uri = uri;
        DisplayName = displayName;
    }

    public static NameAddress Parse(string text) =>
        TryParse(text, out var na) ? na : throw new FormatException($"Invalid name-addr: {text}");

    public static bool TryParse(string? text, [NotNullWhen(true)] out NameAddress? result)
    {
        result = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim();
        string? display = null;
        string uriText;
        string paramText;
        var lt = FindUnquoted(text, '<');
        if (lt >= 0)
        {
            var gt = text.IndexOf('>', lt);
            if (gt < 0)
            {
                return false;
            }
            var name = text[..lt].Trim();
            if (name.Length > 0)
            {
                if (name[0] == '"' && (name.Length < 2 || name[^1] != '"'))
                {
                    return false;
                }
                display = HeaderValues.Unquote(name);
            }
            uriText = text[(lt + 1)..gt];
            paramText = text[(gt + 1)..].Trim();
            if (paramText.Length > 0 && paramText[0] != ';')
            {
                return false;
            }
        }
        else
        {
            // addr-spec: any ';' parameters belong to the header, not the URI (RFC 3261 §20.10).
            var semi = text.IndexOf(';');
            uriText = semi >= 0 ? text[..semi] : text;
            paramText = semi >= 0 ? text[semi..] : "";
        }
        if (!SipUri.TryParse(uriText, out var uri))
        {
            return false;
        }
        result = new NameAddress(uri, display);
        if (paramText.Length > 1)
        {
            result.Parameters = SipParameters.Parse(paramText[1..]);
        }
        return true;
    }

    public NameAddress Clone() => new(Uri.Clone(), DisplayName) { Parameters = Parameters.Clone() };

    public override string ToString()
    {
        var sb = new StringBuilder();
        if (!string.IsNullOrEmpty(DisplayName))
        {
            sb.Append(HeaderValues.Quote(DisplayName)).Append(' ');
        }
        sb.Append('<').Append(Uri).Append('>');
        Parameters.AppendTo(sb);
        return sb.ToString();
    }

    private static int FindUnquoted(string text, char c)
    {
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (quoted && text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && text[i] == c)
            {
                return i;
            }
        }
        return -1;
    }
}
