using Sparkle.Media.Codecs.Native;

namespace Sparkle.Media.Codecs;

public sealed class G711Encoder(bool aLaw) : IAudioEncoder
{
    public int SampleRate => 8000;

    public int Encode(ReadOnlySpan<short> pcm, Span<byte> payload)
    {
        if (payload.Length < pcm.Length)
        {
            return -1;
        }
        G711.Encode(pcm, payload, aLaw);
        return pcm.Length;
    }

    public void Dispose()
    {
    }
}
