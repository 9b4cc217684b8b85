namespace Sparkle.Transcription;

/// <summary>A speech recogniser over whole utterances. One instance holds one decoder and is NOT
/// thread-safe: use one per thread, or a <see cref="SpeechEnginePool"/>.</summary>
public interface ISpeechEngine : IDisposable
{
    string Name { get; }

    /// <summary>BCP-47 tags of the languages this engine recognises (its model's).</summary>
    IReadOnlyList<string> Languages { get; }

    /// <summary>The rate <see cref="Transcribe"/> expects, mono (see <see cref="Audio.AudioPreparation"/>).</summary>
    int SampleRate { get; }

    /// <summary>Recognises one utterance of 16-bit mono PCM at <see cref="SampleRate"/>. Silence, noise,
    /// clipping or no audio give <see cref="Transcript.Empty"/> or a low-confidence transcript, never an
    /// exception.</summary>
    Transcript Transcribe(ReadOnlySpan<short> pcm);
}
