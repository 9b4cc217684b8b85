namespace Sparkle.GraphQL.Transport;

/// <summary>Refuses oversized documents before GraphQL.NET parses and validates them. Validation is quadratic
/// in repeated fields (a 220 KB anonymous query of one field repeated 20,000 times cost about 6 s of CPU before
/// the complexity limit refused it), so length and token count are bounded first, by a linear scan that
/// allocates nothing; anonymous callers get far smaller bounds and no introspection unless the schema is public.</summary>
public static class DocumentGate
{
    /// <summary>Null when the document may go on to the parser; otherwise the error to return.</summary>
    public static string? Check(string? query, bool anonymous, GraphQLTransportOptions options)
    {
        if (query is null)
        {
            return null;
        }
        var maxChars = anonymous ? options.MaxAnonymousQueryChars : options.MaxQueryChars;
        if (query.Length > maxChars)
        {
            return $"The query is {query.Length} characters long; at most {maxChars} are accepted{(anonymous ? " without a token" : "")}.";
        }
        var maxTokens = anonymous ? options.MaxAnonymousTokens : options.MaxTokens;
        var scan = Scan(query, maxTokens);
        if (scan.Tokens > maxTokens)
        {
            return $"The query has more than {maxTokens} tokens{(anonymous ? " (the limit without a token)" : "")}; split it into smaller requests.";
        }
        if (anonymous && scan.Introspects && !options.PublicSchema)
        {
            return "Introspection needs a token on this server.";
        }
        return null;
    }

    private readonly record struct ScanResult(int Tokens, bool Introspects);

    /// <summary>Counts lexical tokens (names, numbers, strings, punctuators; not commas, blanks or comments) up to
    /// one past the limit, and notices the introspection fields __schema and __type.</summary>
    private static ScanResult Scan(string text, int limit)
    {
        var tokens = 0;
        var introspects = false;
        var i = 0;
        while (i < text.Length && tokens <= limit)
        {
            var c = text[i];
            if (c is ' ' or '\t' or '\n' or '\r' or ',' or '\uFEFF')
            {
                i++;
                continue;
            }
            if (c == '#')
            {
                while (i < text.Length && text[i] is not ('\n' or '\r'))
                {
                    i++;
                }
                continue;
            }
            tokens++;
            if (c == '"')
            {
                i = SkipString(text, i);
            }
            else if (c == '_' || char.IsAsciiLetter(c))
            {
                var start = i;
                while (i < text.Length && (text[i] == '_' || char.IsAsciiLetterOrDigit(text[i])))
                {
                    i++;
                }
                var name = text.AsSpan(start, i - start);
                introspects |= name is "__schema" or "__type";
            }
            else if (c == '-' || char.IsAsciiDigit(c))
            {
                i++;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '+' or '-'))
                {
                    i++;
                }
            }
            else if (c == '.' && i + 2 < text.Length && text[i + 1] == '.' && text[i + 2] == '.')
            {
                i += 3;
            }
            else
            {
                i++;
            }
        }
        return new ScanResult(tokens, introspects);
    }

    /// <summary>The index just after a "..." or """block""" string (or the end of an unterminated one).</summary>
    private static int SkipString(string text, int i)
    {
        if (i + 2 < text.Length && text[i + 1] == '"' && text[i + 2] == '"')
        {
            var end = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
            return end < 0 ? text.Length : end + 3;
        }
        i++;
        while (i < text.Length && text[i] is not ('"' or '\n' or '\r'))
        {
            i += text[i] == '\\' ? 2 : 1;
        }
        return Math.Min(i + 1, text.Length);
    }
}
