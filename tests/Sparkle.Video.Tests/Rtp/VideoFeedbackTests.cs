using System.Buffers.Binary;
using Sparkle.Video.Rtp;

namespace Sparkle.Video.Tests.Rtp;

public class VideoFeedbackTests
{
    [Fact]
    public void PictureLossRoundTrips()
    {
        var buffer = new byte[64];
        var length = VideoFeedback.WritePictureLoss(buffer, 0x11111111, 0x22222222);
        Assert.Equal([0x81, 206, 0, 2], buffer[..4]);
        Assert.True(VideoFeedback.TryRead(buffer.AsSpan(0, length), out var feedback));
        Assert.Equal(new VideoFeedback(VideoFeedbackKind.PictureLoss, 0x11111111, 0x22222222, 0, 0), feedback);
        Assert.True(feedback.AsksForKeyFrame);
    }

    [Fact]
    public void FullIntraRequestCarriesTheTargetSsrcAndSequence()
    {
        var buffer = new byte[20];
        VideoFeedback.WriteFullIntraRequest(buffer, 1, 0xCAFEBABE, 7);
        Assert.Equal([0x84, 206, 0, 4], buffer[..4]);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(8))); // media source field unused
        Assert.True(VideoFeedback.TryRead(buffer, out var feedback));
        Assert.Equal((VideoFeedbackKind.FullIntraRequest, 0xCAFEBABEu, (byte)7), (feedback.Kind, feedback.TargetSsrc, feedback.Sequence));
    }

    [Fact]
    public void TmmbrBitrateIsMantissaShiftedByExponent()
    {
        var packet = new byte[20];
        packet[0] = 0x83;
        packet[1] = 205;
        packet[3] = 4;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), 5);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12), 0xABCD);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(16), (2u << 26) | (128000u << 9) | 40);
        Assert.True(VideoFeedback.TryRead(packet, out var feedback));
        Assert.Equal((VideoFeedbackKind.BitrateRequest, 0xABCDu, 512000L), (feedback.Kind, feedback.TargetSsrc, feedback.BitrateBitsPerSecond));
    }

    [Fact]
    public void TmmbnEncodesTheBitrateWithinMantissaPrecision()
    {
        var buffer = new byte[20];
        VideoFeedback.WriteBitrateNotification(buffer, 1, 2, 1_234_567);
        Assert.Equal(0x84, buffer[0]);
        var word = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(16));
        var bitrate = (long)((word >> 9) & 0x1FFFF) << (int)(word >> 26);
        Assert.InRange(bitrate, 1_234_567 - 16, 1_234_567);
    }

    [Fact]
    public void RembFromABrowserIsRead()
    {
        byte[] packet =
        [
            0x8F, 206, 0, 5, 0, 0, 0, 9, 0, 0, 0, 0,
            (byte)'R', (byte)'E', (byte)'M', (byte)'B', 1, 0x0B, 0xD0, 0x90,
            0x12, 0x34, 0x56, 0x78,
        ];
        Assert.True(VideoFeedback.TryRead(packet, out var feedback));
        Assert.Equal((VideoFeedbackKind.ReceiverEstimatedBitrate, 0x12345678u, 1_000_000L), (feedback.Kind, feedback.TargetSsrc, feedback.BitrateBitsPerSecond));
    }

    [Fact]
    public void TruncatedAndForeignPacketsAreRefused()
    {
        var fir = new byte[20];
        VideoFeedback.WriteFullIntraRequest(fir, 1, 2, 3);
        for (var length = 0; length < fir.Length; length++)
        {
            Assert.False(VideoFeedback.TryRead(fir.AsSpan(0, length), out _));
        }

        byte[] receiverReport = [0x80, 201, 0, 1, 0, 0, 0, 1];
        Assert.False(VideoFeedback.TryRead(receiverReport, out _));
        byte[] nack = [0x81, 205, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 5, 0, 0];
        Assert.False(VideoFeedback.TryRead(nack, out _));
    }
}
