namespace Sparkle.Video.Rtp;

/// <summary>
/// RFC 6184 packetization. Mode 1 (non-interleaved): consecutive small NAL units are aggregated
/// into STAP-A packets, NAL units that fit go alone, larger ones are split into FU-A fragments.
/// Mode 0 (single NAL unit): one NAL per packet; the encoder must cap slice sizes
/// (<see cref="Codecs.VideoEncoderSettings.MaxNalSize"/>), a larger NAL is still sent whole.
/// Input is an Annex B access unit (start-code separated), as libx264 produces.
/// </summary>
public sealed class H264Packetizer : IVideoPacketizer
{
    private const byte StapA = 24;
    private const byte FuA = 28;

    private readonly byte[] _scratch;

    public H264Packetizer(int maxPayloadSize = 1200, int packetizationMode = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadSize, 16);
        if (packetizationMode is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(packetizationMode), "Only modes 0 and 1 (non-interleaved) are supported.");
        }

        MaxPayloadSize = maxPayloadSize;
        PacketizationMode = packetizationMode;
        _scratch = new byte[maxPayloadSize];
    }

    public int MaxPayloadSize { get; }

    public int PacketizationMode { get; }

    public void Packetize(ReadOnlySpan<byte> frame, IRtpPayloadSink sink)
    {
        var reader = new AnnexBReader(frame);
        var hasCurrent = reader.TryNext(out var current);
        while (hasCurrent)
        {
            var hasNext = reader.TryNext(out var next);
            if (PacketizationMode == 0)
            {
                sink.OnPayload(current, !hasNext);
                current = next;
                hasCurrent = hasNext;
                continue;
            }

            if (current.Length + 3 <= MaxPayloadSize && hasNext && current.Length + next.Length + 5 <= MaxPayloadSize)
            {
                // Aggregate as many following NAL units as fit into one STAP-A.
                var stapLength = 1;
                var nri = 0;
                var marker = false;
                while (true)
                {
                    stapLength = AddToStap(current, stapLength, ref nri);
                    if (!hasNext)
                    {
                        marker = true;
                        break;
                    }

                    if (stapLength + 2 + next.Length > MaxPayloadSize)
                    {
                        break;
                    }

                    current = next;
                    hasNext = reader.TryNext(out next);
                }

                _scratch[0] = (byte)(nri | StapA);
                sink.OnPayload(_scratch.AsSpan(0, stapLength), marker);
                current = next;
                hasCurrent = hasNext;
                continue;
            }

            if (current.Length <= MaxPayloadSize)
            {
                sink.OnPayload(current, !hasNext);
            }
            else
            {
                SendFragments(current, !hasNext, sink);
            }

            current = next;
            hasCurrent = hasNext;
        }
    }

    private int AddToStap(ReadOnlySpan<byte> nal, int offset, ref int nri)
    {
        _scratch[offset] = (byte)(nal.Length >> 8);
        _scratch[offset + 1] = (byte)nal.Length;
        nal.CopyTo(_scratch.AsSpan(offset + 2));
        nri = Math.Max(nri, nal[0] & 0x60);
        return offset + 2 + nal.Length;
    }

    private void SendFragments(ReadOnlySpan<byte> nal, bool lastNal, IRtpPayloadSink sink)
    {
        var header = nal[0];
        var body = nal[1..];
        var chunk = MaxPayloadSize - 2;
        _scratch[0] = (byte)((header & 0xE0) | FuA);
        for (var offset = 0; offset < body.Length; offset += chunk)
        {
            var length = Math.Min(chunk, body.Length - offset);
            var first = offset == 0;
            var last = offset + length == body.Length;
            _scratch[1] = (byte)((first ? 0x80 : 0) | (last ? 0x40 : 0) | (header & 0x1F));
            body.Slice(offset, length).CopyTo(_scratch.AsSpan(2));
            sink.OnPayload(_scratch.AsSpan(0, length + 2), last && lastNal);
        }
    }
}
