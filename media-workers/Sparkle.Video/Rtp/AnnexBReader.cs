namespace Sparkle.Video.Rtp;

/// <summary>Iterates the NAL units of an Annex B byte stream (00 00 01 / 00 00 00 01 start codes).</summary>
public ref struct AnnexBReader(ReadOnlySpan<byte> stream)
{
    private ReadOnlySpan<byte> _rest = SkipToFirst(stream);

    public bool TryNext(out ReadOnlySpan<byte> nal)
    {
        while (!_rest.IsEmpty)
        {
            var end = FindStartCode(_rest, out var codeLength);
            if (end < 0)
            {
                nal = _rest;
                _rest = [];
            }
            else
            {
                nal = _rest[..end];
                _rest = _rest[(end + codeLength)..];
            }

            // Trailing zero bytes belong to the next start code (zero_byte), not to this NAL.
            while (!nal.IsEmpty && nal[^1] == 0)
            {
                nal = nal[..^1];
            }

            if (!nal.IsEmpty)
            {
                return true;
            }
        }

        nal = default;
        return false;
    }

    private static ReadOnlySpan<byte> SkipToFirst(ReadOnlySpan<byte> stream)
    {
        var start = FindStartCode(stream, out var length);
        return start < 0 ? stream : stream[(start + length)..];
    }

    private static int FindStartCode(ReadOnlySpan<byte> data, out int length)
    {
        length = 3;
        return data.IndexOf([(byte)0, (byte)0, (byte)1]);
    }
}
