using System.Text;

namespace Sparkle.Transcription;

/// <summary>Word error rate: (substitutions + deletions + insertions) / reference words, by Levenshtein
/// distance over normalised words (lower case; letters, digits and apostrophes kept, everything else a
/// word break). O(reference x hypothesis) time, O(hypothesis) memory.</summary>
public static class WordErrorRate
{
    public static IReadOnlyList<string> Normalise(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || c == '\'')
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }
        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    /// <summary>Word edits turning <paramref name="reference"/> into <paramref name="hypothesis"/>.</summary>
    public static int Errors(IReadOnlyList<string> reference, IReadOnlyList<string> hypothesis)
    {
        var previous = new int[hypothesis.Count + 1];
        var current = new int[hypothesis.Count + 1];
        for (var j = 0; j <= hypothesis.Count; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= reference.Count; i++)
        {
            current[0] = i;
            for (var j = 1; j <= hypothesis.Count; j++)
            {
                var substitution = previous[j - 1] + (reference[i - 1] == hypothesis[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[hypothesis.Count];
    }

    /// <summary>The rate (0 is perfect; above 1 when the hypothesis inserts many words). An empty reference
    /// gives 0 for an empty hypothesis and 1 otherwise.</summary>
    public static double Compute(string reference, string hypothesis)
    {
        var r = Normalise(reference);
        var h = Normalise(hypothesis);
        if (r.Count == 0)
        {
            return h.Count == 0 ? 0 : 1;
        }
        return (double)Errors(r, h) / r.Count;
    }
}
