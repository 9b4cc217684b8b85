namespace Sparkle.Transcription.Engines;

/// <summary>Where PocketSphinx's model lives and the few decoder settings that were measured (see the
/// README). The defaults are Debian's pocketsphinx-en-us package, US English, 16 kHz wideband.</summary>
public sealed record PocketSphinxOptions
{
    public const string DebianModelDirectory = "/usr/share/pocketsphinx/model/en-us";

    /// <summary>Holds <c>en-us/</c> (the acoustic model), <c>en-us.lm.bin</c> and <c>cmudict-en-us.dict</c>.</summary>
    public string ModelDirectory { get; init; } = DebianModelDirectory;

    /// <summary>PocketSphinx's own voice activity detection drops non-speech frames before the search.
    /// Off by default: with it, word frames count only the kept frames, so word times drift from the
    /// audio's, and it did not lower the error rate here (README).</summary>
    public bool RemoveSilence { get; init; }

    /// <summary>Further decoder arguments as name/value pairs (for example "-beam", "1e-60").</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraArguments { get; init; } = [];
}
