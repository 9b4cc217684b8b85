namespace Sparkle.Media.Codecs;

/// <summary>Decodes one stream's RTP payloads to 16-bit mono PCM at <see cref="SampleRate"/>. One
/// instance per stream: decoders keep state.</summary>
public interface IAudioDecoder : IDisposable
{
    int SampleRate { get; }

    /// <summary>Decodes one payload; returns the samples written, or -1 when the payload is corrupt.</summary>
    int Decode(ReadOnlySpan<byte> payload, Span<short> pcm);

    /// <summary>Fills <paramref name="samples"/> of a lost frame. <paramref name="nextPayload"/>, when the
    /// following packet is already here, lets codecs with in-band FEC (Opus) recover the loss.</summary>
    int Conceal(Span<short> pcm, int samples, ReadOnlySpan<byte> nextPayload);
}
