using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Sparkle.Grains.Tenants;

/// <summary>A tenant's dial-out number patterns: bounded in count and length, and run by .NET's non-backtracking
/// engine, whose cost is linear in the number's length whatever the pattern (1,000 backtracking patterns at up
/// to 50 ms each once cost about 50 s of silo CPU per dial attempt). Compiled once per distinct pattern.</summary>
public static class DialOutPatterns
{
    public const int MaxCount = 50;
    public const int MaxLength = 200;
    private const int CacheLimit = 10_000;
    private static readonly ConcurrentDictionary<string, Regex?> s_compiled = new(StringComparer.Ordinal);

    /// <summary>Null when the list is acceptable, otherwise what is wrong with it.</summary>
    public static string? Problem(IReadOnlyList<string>? patterns)
    {
        if (patterns is null)
        {
            return null;
        }
        if (patterns.Count > MaxCount)
        {
            return $"At most {MaxCount} dial-out patterns are allowed.";
        }
        foreach (var pattern in patterns)
        {
            if (pattern.Length is 0 or > MaxLength)
            {
                return $"A dial-out pattern is 1 to {MaxLength} characters long.";
            }
            if (Compile(pattern) is null)
            {
                return $"Dial-out pattern '{pattern}' is not a regular expression this server accepts (no backreferences or lookarounds).";
            }
        }
        return null;
    }

    /// <summary>True when the list is empty (any number) or one of its first <see cref="MaxCount"/> valid patterns matches.</summary>
    public static bool Allow(string number, IReadOnlyList<string>? patterns)
    {
        if (patterns is null || patterns.Count == 0)
        {
            return true;
        }
        foreach (var pattern in patterns.Take(MaxCount))
        {
            if (pattern.Length <= MaxLength && Compile(pattern) is { } regex && regex.IsMatch(number))
            {
                return true;
            }
        }
        return false;
    }

    private static Regex? Compile(string pattern)
    {
        if (s_compiled.TryGetValue(pattern, out var known))
        {
            return known;
        }
        Regex? regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            regex = null;
        }
        if (s_compiled.Count >= CacheLimit)
        {
            s_compiled.Clear();
        }
        s_compiled[pattern] = regex;
        return regex;
    }
}
