namespace Sparkle.Transcription.Engines;

/// <summary>PocketSphinx's segment words as minutes want them.</summary>
internal static class SphinxWords
{
    /// <summary>Null for fillers and markers (<c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>, <c>&lt;sil&gt;</c>,
    /// <c>[NOISE]</c>, <c>++GARBAGE++</c>); otherwise the word without its alternate-pronunciation suffix
    /// (<c>read(2)</c> is <c>read</c>).</summary>
    public static string? Normalise(string? word)
    {
        if (string.IsNullOrEmpty(word) || word[0] is '<' or '[' or '+')
        {
            return null;
        }
        var paren = word.IndexOf('(');
        return paren > 0 ? word[..paren] : word;
    }
}
