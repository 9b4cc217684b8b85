using System.Buffers.Binary;

namespace Sparkle.Media.Rtp;

/// <summary>Walks a compound RTCP packet (RFC 3550 §6.1) without copying. Stops, with
/// <see cref="Malformed"/> set, at the first packet whose length does not fit.</summary>
public ref struct RtcpReader
{
    private ReadOnlySpan<byte> _remaining;

    public RtcpReader(ReadOnlySpan<byte> compound) => _remaining = compound;

    public bool Malformed { get; private set; }

    /// <summary>Reads the next packet: its type, its count field (RC/SC/FMT), the sender SSRC and the
    /// body after the SSRC.</summary>
    public bool TryReadNext(out byte packetType, out int count, out uint ssrc, out ReadOnlySpan<byte> body)
    {
        packetType = 0;
        count = 0;
        ssrc = 0;
        body = default;
        if (_remaining.IsEmpty || Malformed)
        {
            return false;
        }
        if (_remaining.Length < 8 || (_remaining[0] >> 6) != 2)
        {
            Malformed = true;
            return false;
        }
        var length = (BinaryPrimitives.ReadUInt16BigEndian(_remaining[2..]) + 1) * 4;
        if (length > _remaining.Length)
        {
            Malformed = true;
            return false;
        }
        var packet = _remaining[..length];
        var padding = (packet[0] & 0x20) != 0 ? packet[^1] : 0;
        if (padding > length - 8)
        {
            Malformed = true;
            return false;
        }
        count = packet[0] & 0x1F;
        packetType = packet[1];
        ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        body = packet[8..(length - padding)];
        _remaining = _remaining[length..];
        return true;
    }

    public static bool TryReadSenderInfo(ReadOnlySpan<byte> srBody, out RtcpSenderInfo info)
    {
        info = default;
        if (srBody.Length < 20)
        {
            return false;
        }
        info = new RtcpSenderInfo(
            BinaryPrimitives.ReadUInt64BigEndian(srBody),
            BinaryPrimitives.ReadUInt32BigEndian(srBody[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(srBody[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(srBody[16..]));
        return true;
    }

    /// <summary>Reads report block <paramref name="index"/> from an SR body (after its sender info) or an
    /// RR body.</summary>
    public static bool TryReadReportBlock(ReadOnlySpan<byte> body, bool isSenderReport, int index, out RtcpReportBlock block)
    {
        block = default;
        var offset = (isSenderReport ? 20 : 0) + index * 24;
        if (body.Length < offset + 24)
        {
            return false;
        }
        var b = body.Slice(offset, 24);
        var lostWord = BinaryPrimitives.ReadUInt32BigEndian(b[4..]);
        var cumulative = (int)(lostWord & 0xFFFFFF);
        if ((cumulative & 0x800000) != 0)
        {
            cumulative |= unchecked((int)0xFF000000); // 24-bit signed
        }
        block = new RtcpReportBlock(
            BinaryPrimitives.ReadUInt32BigEndian(b),
            (byte)(lostWord >> 24),
            cumulative,
            BinaryPrimitives.ReadUInt32BigEndian(b[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(b[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(b[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(b[20..]));
        return true;
    }
}
