using Sparkle.Media.Codecs;
using Sparkle.Transcription.Audio;

namespace Sparkle.Transcription;

/// <summary>What the transcription worker gets for one utterance file.</summary>
/// <param name="Narrowband">The audio is telephone band (by the leg's codec or by its spectrum): the
/// wideband model does not recognise it reliably, so the minutes entry should say so.</param>
public sealed record UtteranceTranscript(Transcript Transcript, bool Narrowband, TimeSpan Duration);

/// <summary>One utterance file to a transcript: Ogg Opus -> 48 kHz mono -> prepared for the engine ->
/// bandwidth check -> recognised. Thread-safe (the pool is).</summary>
public sealed class UtteranceTranscriber(SpeechEnginePool engines, int engineSampleRate = 16000, PreparationOptions? preparation = null)
{
    /// <param name="codecNarrowband">The leg sent G.711 (or Opus limited to narrowband).</param>
    /// <exception cref="InvalidDataException">The file is not a readable Ogg Opus stream.</exception>
    public UtteranceTranscript Transcribe(string oggOpusPath, bool codecNarrowband, CancellationToken cancellationToken = default) =>
        Transcribe(OggOpusReader.Read(oggOpusPath), codecNarrowband, cancellationToken);

    /// <summary>The same from the file's bytes (the transcription worker decrypts into memory, never to disk).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a readable Ogg Opus stream, or longer than <paramref name="maxDuration"/>.</exception>
    public UtteranceTranscript Transcribe(ReadOnlySpan<byte> oggOpus, bool codecNarrowband, TimeSpan maxDuration, CancellationToken cancellationToken = default) =>
        Transcribe(OggOpusReader.Read(oggOpus, maxDuration), codecNarrowband, cancellationToken);

    private UtteranceTranscript Transcribe(OggOpusAudio audio, bool codecNarrowband, CancellationToken cancellationToken)
    {
        var pcm = AudioPreparation.Prepare(audio.Pcm, OggOpusAudio.SampleRate, 1, preparation, engineSampleRate);
        // The recorder writes the leg's codec rate into the OpusHead: 8 kHz is a G.711 leg, whatever the
        // spectrum looks like after Opus (the spectral check alone once let a G.711 utterance's garbage through).
        var narrowband = BandwidthDetector.IsNarrowband(pcm, codecNarrowband || audio.InputSampleRate is > 0 and <= 8000);
        return new UtteranceTranscript(engines.Transcribe(pcm, cancellationToken), narrowband, audio.Duration);
    }
}
