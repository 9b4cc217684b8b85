namespace Sparkle.Video.Rtp;

/// <summary>RFC 7741 VP8 depacketizer: strips payload descriptors and reassembles frames.</summary>
public sealed class Vp8Depacketizer : IVideoDepacketizer
{
    private readonly FrameAssembler _assembler = new();

    public ReadOnlySpan<byte> Frame => _assembler.Frame;

    public bool FrameIsKeyFrame => _assembler.IsKeyFrame;

    public uint FrameTimestamp => _assembler.Timestamp;

    public bool KeyFrameNeeded => _assembler.KeyFrameNeeded;

    /// <summary>Length of the payload descriptor, or -1 when it is truncated.</summary>
    public static int DescriptorLength(ReadOnlySpan<byte> payload, out bool startOfPartition, out int partitionIndex)
    {
        startOfPartition = false;
        partitionIndex = 0;
        if (payload.IsEmpty)
        {
            return -1;
        }

        var first = payload[0];
        startOfPartition = (first & 0x10) != 0;
        partitionIndex = first & 0x07;
        var length = 1;
        if ((first & 0x80) == 0)
        {
            return length;
        }

        if (payload.Length < 2)
        {
            return -1;
        }

        var extension = payload[1];
        length = 2;
        if ((extension & 0x80) != 0)
        {
            if (payload.Length <= length)
            {
                return -1;
            }

            length += (payload[length] & 0x80) != 0 ? 2 : 1; // 15- or 7-bit PictureID
        }

        if ((extension & 0x40) != 0)
        {
            length++; // TL0PICIDX
        }

        if ((extension & 0x30) != 0)
        {
            length++; // TID/Y/KEYIDX
        }

        return length <= payload.Length ? length : -1;
    }

    public DepacketizeResult Push(ReadOnlySpan<byte> payload, ushort sequenceNumber, uint timestamp, bool marker)
    {
        var wasInFrame = _assembler.InFrame;
        var earlier = _assembler.BeginPacket(sequenceNumber, timestamp);
        var startsFrame = !wasInFrame || earlier == DepacketizeResult.FrameDropped;
        var descriptor = DescriptorLength(payload, out var start, out var partition);
        if (descriptor < 0 || descriptor == payload.Length)
        {
            _assembler.MarkCorrupt();
        }
        else
        {
            var data = payload[descriptor..];
            var frameStart = start && partition == 0;
            if (frameStart != startsFrame)
            {
                // Either the first packet of the frame is missing or a second "first" arrived.
                _assembler.MarkCorrupt();
            }
            else if (frameStart)
            {
                // VP8 payload header: P bit (bit 0) is 0 for key frames (RFC 7741 section 4.3).
                _assembler.IsKeyFrame = (data[0] & 0x01) == 0;
            }

            _assembler.Append(data);
        }

        return marker ? FrameAssembler.Merge(earlier, _assembler.Complete()) : earlier;
    }
}
