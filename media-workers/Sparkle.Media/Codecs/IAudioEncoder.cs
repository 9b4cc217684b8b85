namespace Sparkle.Media.Codecs;

/// <summary>Encodes 16-bit mono PCM frames at <see cref="SampleRate"/> into RTP payloads.</summary>
public interface IAudioEncoder : IDisposable
{
    int SampleRate { get; }

    /// <summary>Encodes one frame; returns the payload length, or -1 on failure.</summary>
    int Encode(ReadOnlySpan<short> pcm, Span<byte> payload);
}
