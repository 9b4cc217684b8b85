namespace Sparkle.Sip.Messages;

/// <summary>Helpers for the generic grammar of header values: lists, parameters, quoted strings.</summary>
public static class HeaderValues
{
    /// <summary>Splits a comma-separated list, ignoring commas inside quotes and angle brackets.</summary>
    public static List<string> SplitList(string value)
    {
        var result = new List<string>();
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (quoted)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case '<':
                    depth++;
                    break;
                case '>':
                    depth = Math.Max(0, depth - 1);
                    break;
                case ',' when depth == 0:
                    AddTrimmed(result, value[start..i]);
                    start = i + 1;
                    break;
            }
        }
        AddTrimmed(result, value[start..]);
        return result;
    }

    /// <summary>Parses ";name=value;flag" parameters (names lower-cased, quotes kept off values).</summary>
    public static Dictionary<string, string?> ParseParameters(ReadOnlySpan<char> text, char separator = ';')
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in SplitOutsideQuotes(text.ToString(), separator))
        {
            var p = part.Trim();
            if (p.Length == 0)
            {
                continue;
            }
            var eq = p.IndexOf('=');
            if (eq < 0)
            {
                result[p] = null;
            }
            else
            {
                result[p[..eq].Trim()] = Unquote(p[(eq + 1)..].Trim());
            }
        }
        return result;
    }

    public static List<string> SplitOutsideQuotes(string value, char separator)
    {
        var result = new List<string>();
        var quoted = false;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (quoted && c == '\\')
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == separator)
            {
                result.Add(value[start..i]);
                start = i + 1;
            }
        }
        result.Add(value[start..]);
        return result;
    }

    public static string Unquote(string value)
    {
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            var inner = value[1..^1];
            return inner.Contains('\\') ? inner.Replace("\\\"", "\"").Replace("\\\\", "\\") : inner;
        }
        return value;
    }

    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>RFC 3261 token characters (method names, parameter names).</summary>
    public static bool IsToken(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "-.!%*_+`'~".Contains(c)))
            {
                return false;
            }
        }
        return true;
    }

    private static void AddTrimmed(List<string> list, string item)
    {
        var t = item.Trim();
        if (t.Length > 0)
        {
            list.Add(t);
        }
    }
}
