using System.Buffers.Binary;

namespace Sparkle.Video.Rtp;

/// <summary>
/// The RTCP feedback a video MCU needs (RFC 4585, RFC 5104, REMB): read from one RTCP packet of a
/// compound, and written into caller buffers. <see cref="TargetSsrc"/> is the media stream the
/// feedback is about; <see cref="BitrateBitsPerSecond"/> is set for bitrate feedback.
/// </summary>
public readonly record struct VideoFeedback(VideoFeedbackKind Kind, uint SenderSsrc, uint TargetSsrc, byte Sequence, long BitrateBitsPerSecond)
{
    private const byte TransportFeedback = 205;
    private const byte PayloadFeedback = 206;
    private const int FormatPli = 1;
    private const int FormatFir = 4;
    private const int FormatTmmbr = 3;
    private const int FormatTmmbn = 4;
    private const int FormatAfb = 15;

    public bool AsksForKeyFrame => Kind is VideoFeedbackKind.PictureLoss or VideoFeedbackKind.FullIntraRequest;

    /// <summary>Parses one RTCP packet (header included); false for other packets or malformed ones.</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out VideoFeedback feedback)
    {
        feedback = default;
        if (packet.Length < 12 || packet[0] >> 6 != 2)
        {
            return false;
        }

        var format = packet[0] & 0x1F;
        var type = packet[1];
        var length = (BinaryPrimitives.ReadUInt16BigEndian(packet[2..]) + 1) * 4;
        if (length > packet.Length)
        {
            return false;
        }

        packet = packet[..length];
        var sender = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        var media = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var fci = packet[12..];
        switch (type, format)
        {
            case (PayloadFeedback, FormatPli):
                feedback = new VideoFeedback(VideoFeedbackKind.PictureLoss, sender, media, 0, 0);
                return true;
            case (PayloadFeedback, FormatFir) when fci.Length >= 8:
                feedback = new VideoFeedback(VideoFeedbackKind.FullIntraRequest, sender, BinaryPrimitives.ReadUInt32BigEndian(fci), fci[4], 0);
                return true;
            case (TransportFeedback, FormatTmmbr) when fci.Length >= 8:
                var word = BinaryPrimitives.ReadUInt32BigEndian(fci[4..]);
                var exponent = (int)(word >> 26);
                var mantissa = (long)((word >> 9) & 0x1FFFF);
                feedback = new VideoFeedback(VideoFeedbackKind.BitrateRequest, sender, BinaryPrimitives.ReadUInt32BigEndian(fci), 0, Shift(mantissa, exponent));
                return true;
            case (PayloadFeedback, FormatAfb) when fci.Length >= 8 && fci[..4].SequenceEqual("REMB"u8):
                var count = fci[4];
                var bitrate = Shift(((fci[5] & 0x03) << 16) | (fci[6] << 8) | fci[7], fci[5] >> 2);
                var target = count > 0 && fci.Length >= 12 ? BinaryPrimitives.ReadUInt32BigEndian(fci[8..]) : media;
                feedback = new VideoFeedback(VideoFeedbackKind.ReceiverEstimatedBitrate, sender, target, 0, bitrate);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Writes a PLI (12 bytes); returns the length written.</summary>
    public static int WritePictureLoss(Span<byte> destination, uint senderSsrc, uint mediaSsrc)
    {
        WriteHeader(destination, FormatPli, PayloadFeedback, 12, senderSsrc, mediaSsrc);
        return 12;
    }

    /// <summary>Writes a FIR (20 bytes); increment <paramref name="sequence"/> for each new request.</summary>
    public static int WriteFullIntraRequest(Span<byte> destination, uint senderSsrc, uint mediaSsrc, byte sequence)
    {
        WriteHeader(destination, FormatFir, PayloadFeedback, 20, senderSsrc, 0);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], mediaSsrc);
        destination[16] = sequence;
        destination.Slice(17, 3).Clear();
        return 20;
    }

    /// <summary>Writes a TMMBN (20 bytes) acknowledging a TMMBR for <paramref name="mediaSsrc"/>.</summary>
    public static int WriteBitrateNotification(Span<byte> destination, uint senderSsrc, uint mediaSsrc, long bitrateBitsPerSecond, int overheadBytes = 40)
    {
        WriteHeader(destination, FormatTmmbn, TransportFeedback, 20, senderSsrc, 0);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], mediaSsrc);
        var exponent = 0;
        var mantissa = Math.Max(0, bitrateBitsPerSecond);
        while (mantissa > 0x1FFFF)
        {
            mantissa >>= 1;
            exponent++;
        }

        var word = ((uint)exponent << 26) | ((uint)mantissa << 9) | ((uint)overheadBytes & 0x1FF);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], word);
        return 20;
    }

    private static long Shift(long mantissa, int exponent) => exponent >= 40 ? long.MaxValue : mantissa << exponent;

    private static void WriteHeader(Span<byte> destination, int format, byte type, int length, uint sender, uint media)
    {
        if (destination.Length < length)
        {
            throw new ArgumentException($"Feedback needs {length} bytes.", nameof(destination));
        }

        destination[0] = (byte)(0x80 | format);
        destination[1] = type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((length / 4) - 1));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], sender);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], media);
    }
}
