using System.Buffers.Binary;

namespace Sparkle.Media.Rtp;

/// <summary>Writes the RTCP packets the worker sends: SR or RR, SDES CNAME, BYE. Each method writes one
/// packet into a span and returns its length, so a compound packet is built by concatenation.</summary>
public static class RtcpWriter
{
    public static int WriteSenderReport(Span<byte> destination, uint ssrc, RtcpSenderInfo info, ReadOnlySpan<RtcpReportBlock> blocks)
    {
        var count = Math.Min(blocks.Length, 31);
        var length = 28 + 24 * count;
        WriteHeader(destination, count, RtcpPacketType.SenderReport, length, ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], info.NtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], info.RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], info.PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], info.OctetCount);
        for (var i = 0; i < count; i++)
        {
            WriteBlock(destination[(28 + 24 * i)..], blocks[i]);
        }
        return length;
    }

    public static int WriteReceiverReport(Span<byte> destination, uint ssrc, ReadOnlySpan<RtcpReportBlock> blocks)
    {
        var count = Math.Min(blocks.Length, 31);
        var length = 8 + 24 * count;
        WriteHeader(destination, count, RtcpPacketType.ReceiverReport, length, ssrc);
        for (var i = 0; i < count; i++)
        {
            WriteBlock(destination[(8 + 24 * i)..], blocks[i]);
        }
        return length;
    }

    /// <summary>SDES with one chunk holding a CNAME item (ASCII, at most 255 bytes).</summary>
    public static int WriteSourceDescription(Span<byte> destination, uint ssrc, ReadOnlySpan<byte> cname)
    {
        var nameLength = Math.Min(cname.Length, 255);
        // SSRC, CNAME item (type, length, text), then at least one null octet, padded to 32 bits.
        var chunk = 4 + 2 + nameLength + 1;
        chunk = (chunk + 3) & ~3;
        var length = 4 + chunk;
        WriteHeader(destination, 1, RtcpPacketType.SourceDescription, length, ssrc);
        destination[8] = 1;
        destination[9] = (byte)nameLength;
        cname[..nameLength].CopyTo(destination[10..]);
        destination[(10 + nameLength)..length].Clear();
        return length;
    }

    /// <summary>SDES carrying our CNAME, "sparkle-" and the SSRC in hex, formatted in place so an RTCP
    /// report allocates nothing (it can go out from the video tick, which must not allocate).</summary>
    public static int WriteOwnSourceDescription(Span<byte> destination, uint ssrc)
    {
        // By hand: interpolated formatting (even Utf8.TryWrite) boxes the number.
        Span<byte> cname = stackalloc byte[16];
        "sparkle-"u8.CopyTo(cname);
        for (var i = 0; i < 8; i++)
        {
            cname[8 + i] = (byte)"0123456789abcdef"[(int)(ssrc >> (28 - (4 * i))) & 0xF];
        }
        return WriteSourceDescription(destination, ssrc, cname);
    }

    public static int WriteGoodbye(Span<byte> destination, uint ssrc)
    {
        WriteHeader(destination, 1, RtcpPacketType.Goodbye, 8, ssrc);
        return 8;
    }

    /// <summary>Converts a UTC time to the 64-bit NTP format (seconds since 1900 . fraction).</summary>
    public static ulong ToNtp(DateTime utc)
    {
        var sinceEpoch = utc - new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var seconds = (ulong)sinceEpoch.Ticks / TimeSpan.TicksPerSecond;
        var fraction = (ulong)(sinceEpoch.Ticks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }

    private static void WriteHeader(Span<byte> destination, int count, RtcpPacketType type, int length, uint ssrc)
    {
        destination[0] = (byte)(0x80 | (count & 0x1F));
        destination[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(length / 4 - 1));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
    }

    private static void WriteBlock(Span<byte> destination, in RtcpReportBlock block)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, block.Ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ((uint)block.FractionLost << 24) | ((uint)block.CumulativeLost & 0xFFFFFF));
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], block.ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], block.Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], block.LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], block.DelaySinceLastSenderReport);
    }
}
