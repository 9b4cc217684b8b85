using System.Buffers.Binary;
using System.Text;
using Sparkle.Media.Rtp;

namespace Sparkle.Media.Cascade;

/// <summary>The trunk's control: which participant each contributing source (CSRC) of the trunk's RTP is. Carried in
/// RTCP SDES (RFC 3550 §6.5), one chunk per source with a PRIV item (§6.5.8) whose prefix is
/// <see cref="Prefix"/> and whose value is the participant id in UTF-8. Our own SSRC's chunk carries the CNAME
/// every compound needs. Written and read in place: nothing is allocated per packet.</summary>
public static class TrunkSourceNames
{
    public const byte CnameItem = 1;
    public const byte PrivItem = 8;

    /// <summary>The PRIV prefix naming a participant.</summary>
    public static ReadOnlySpan<byte> Prefix => "sparkle-participant"u8;

    /// <summary>The longest participant id (UTF-8 bytes) a PRIV item can carry with our prefix.</summary>
    public static int MaxIdBytes => 255 - 1 - Prefix.Length;

    /// <summary>Room one chunk for <paramref name="idBytes"/> takes.</summary>
    public static int ChunkLength(int idBytes) => (4 + 2 + 1 + Prefix.Length + idBytes + 1 + 3) & ~3;

    /// <summary>Starts an SDES packet with our own CNAME chunk; add sources with <see cref="AddSource"/> and finish
    /// with <see cref="Finish"/>. Returns the length so far.</summary>
    public static int Begin(Span<byte> destination, uint ownSsrc)
    {
        // Header (count and length set by Finish), then our chunk: CNAME "sparkle-trunk-XXXXXXXX".
        destination[0] = 0x80;
        destination[1] = (byte)RtcpPacketType.SourceDescription;
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ownSsrc);
        Span<byte> cname = stackalloc byte[22];
        "sparkle-trunk-"u8.CopyTo(cname);
        for (var i = 0; i < 8; i++)
        {
            cname[14 + i] = (byte)"0123456789abcdef"[(int)(ownSsrc >> (28 - (4 * i))) & 0xF];
        }
        destination[8] = CnameItem;
        destination[9] = (byte)cname.Length;
        cname.CopyTo(destination[10..]);
        var end = (10 + cname.Length + 1 + 3) & ~3;
        destination[(10 + cname.Length)..end].Clear();
        return end;
    }

    /// <summary>Adds one source's chunk at <paramref name="offset"/>; returns the new length.</summary>
    public static int AddSource(Span<byte> destination, int offset, uint csrc, ReadOnlySpan<byte> participantId)
    {
        var chunk = destination[offset..];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, csrc);
        chunk[4] = PrivItem;
        chunk[5] = (byte)(1 + Prefix.Length + participantId.Length);
        chunk[6] = (byte)Prefix.Length;
        Prefix.CopyTo(chunk[7..]);
        participantId.CopyTo(chunk[(7 + Prefix.Length)..]);
        var used = 7 + Prefix.Length + participantId.Length;
        var length = ChunkLength(participantId.Length);
        chunk[used..length].Clear();
        return offset + length;
    }

    /// <summary>Sets the SDES header's chunk count and length; returns the packet's length.</summary>
    public static int Finish(Span<byte> packet, int length, int chunks)
    {
        packet[0] = (byte)(0x80 | chunks);
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)(length / 4 - 1));
        return length;
    }

    /// <summary>Reads the participant names of an SDES body (as <see cref="RtcpReader"/> gives it: after the first
    /// chunk's SSRC, which it passes as <paramref name="firstSsrc"/>). Calls <paramref name="found"/> per named
    /// source. False when the body is malformed (what was read before stays reported).</summary>
    public static bool Read<TState>(uint firstSsrc, ReadOnlySpan<byte> body, int chunks, ref TState state, SourceNamed<TState> found)
    {
        var ssrc = firstSsrc;
        var at = 0;
        // The reader's body starts 4 bytes into the first chunk; chunk padding is counted from the packet start.
        const int Shift = 4;
        for (var c = 0; c < chunks; c++)
        {
            if (c > 0)
            {
                if (at + 4 > body.Length)
                {
                    return false;
                }
                ssrc = BinaryPrimitives.ReadUInt32BigEndian(body[at..]);
                at += 4;
            }
            while (true)
            {
                if (at >= body.Length)
                {
                    return false;
                }
                var type = body[at];
                if (type == 0)
                {
                    // End of items: skip to the next 32-bit boundary of the packet.
                    at++;
                    at += (4 - ((at + Shift) & 3)) & 3;
                    break;
                }
                if (at + 2 > body.Length || at + 2 + body[at + 1] > body.Length)
                {
                    return false;
                }
                var item = body.Slice(at + 2, body[at + 1]);
                if (type == PrivItem && item.Length >= 1 && item[0] == Prefix.Length && item.Length >= 1 + Prefix.Length
                    && item.Slice(1, Prefix.Length).SequenceEqual(Prefix))
                {
                    found(ref state, ssrc, item[(1 + Prefix.Length)..]);
                }
                at += 2 + item.Length;
            }
        }
        return true;
    }

    public delegate void SourceNamed<TState>(ref TState state, uint ssrc, ReadOnlySpan<byte> participantId);

    /// <summary>A participant id's UTF-8 bytes, or null when it is too long for a PRIV item.</summary>
    public static byte[]? Encode(string participantId)
    {
        var bytes = Encoding.UTF8.GetBytes(participantId);
        return bytes.Length <= MaxIdBytes ? bytes : null;
    }
}
