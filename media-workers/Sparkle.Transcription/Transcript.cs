namespace Sparkle.Transcription;

/// <summary>One recognised word: times from the start of the audio passed in; <see cref="Confidence"/> is
/// the word's posterior probability in the decoder's lattice (0..1).</summary>
public sealed record TranscribedWord(string Text, TimeSpan Start, TimeSpan End, double Confidence);

/// <summary>What an engine heard in one utterance. <see cref="Confidence"/> is 0..1, and 0 when nothing
/// was recognised.</summary>
public sealed record Transcript(string Text, double Confidence, IReadOnlyList<TranscribedWord> Words)
{
    public static Transcript Empty { get; } = new(string.Empty, 0, []);

    public bool IsEmpty => Words.Count == 0;
}
