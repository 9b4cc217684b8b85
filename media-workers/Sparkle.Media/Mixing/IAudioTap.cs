namespace Sparkle.Media.Mixing;

/// <summary>Where recording and speech-to-text attach. Called on the mixer thread every 20 ms, so an
/// implementation must only copy the samples away (into a ring or channel) and return at once.</summary>
public interface IAudioTap
{
    /// <summary>What a participant said this frame, decoded, before gain and mixing, at the codec's rate;
    /// <paramref name="voiceActive"/> marks utterances (for per-utterance recording and minutes).</summary>
    void OnLegAudio(string participantId, ReadOnlySpan<short> pcm, int sampleRate, bool voiceActive)
    {
    }

    /// <summary>The conference mix (everyone heard), at <see cref="MixerOptions.MixRate"/>.</summary>
    void OnConferenceMix(ReadOnlySpan<short> pcm, int sampleRate)
    {
    }
}
