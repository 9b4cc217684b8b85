using Sparkle.Media.Rtp;

namespace Sparkle.Media.Tests.Rtp;

public class RtpHeaderTests
{
    [Fact]
    public void WrittenHeaderParsesBack()
    {
        var packet = new byte[12 + 160];
        RtpHeader.Write(packet, marker: true, payloadType: 111, sequenceNumber: 0xBEEF, timestamp: 0xDEADBEEF, ssrc: 0x01020304);

        Assert.True(RtpHeader.TryParse(packet, out var header));
        Assert.True(header.Marker);
        Assert.Equal(111, header.PayloadType);
        Assert.Equal(0xBEEF, header.SequenceNumber);
        Assert.Equal(0xDEADBEEFu, header.Timestamp);
        Assert.Equal(0x01020304u, header.Ssrc);
        Assert.Equal(12, header.HeaderLength);
        Assert.Equal(160, header.PayloadLength);
    }

    [Fact]
    public void CsrcsExtensionAndPaddingAreSkipped()
    {
        // V=2 P=1 X=1 CC=2, PT 0; 2 CSRCs; extension of 1 word; 4 payload bytes; 3 bytes of padding.
        var packet = Hex.Bytes("B200 0001 00000002 00000003" + "00000004 00000005" + "BEDE0001 11223344" + "AABBCCDD" + "000003");
        Assert.True(RtpHeader.TryParse(packet, out var header));
        Assert.Equal(12 + 8 + 8, header.HeaderLength);
        Assert.Equal(4, header.PayloadLength);
        Assert.Equal(3, header.PaddingLength);
        Assert.Equal("AABBCCDD", Hex.Of(header.Payload(packet)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("80")]
    [InlineData("8000000100000002000000")] // 11 bytes
    [InlineData("4000000100000002000000030000")] // version 1
    [InlineData("8F00000100000002000000030000")] // 15 CSRCs announced, none present
    [InlineData("9000000100000002000000030000")] // extension announced, truncated
    [InlineData("A00000010000000200000003FF")] // padding longer than the packet
    [InlineData("A000000100000002000000030000")] // padding count zero
    public void MalformedPacketsAreRejected(string hex)
    {
        Assert.False(RtpHeader.TryParse(Hex.Bytes(hex), out _));
    }

    [Fact]
    public void RandomGarbageNeverThrows()
    {
        var random = new Random(42);
        var buffer = new byte[64];
        for (var i = 0; i < 20000; i++)
        {
            var length = random.Next(0, 64);
            random.NextBytes(buffer);
            _ = RtpHeader.TryParse(buffer.AsSpan(0, length), out _);
            _ = RtpDemux.Classify(buffer.AsSpan(0, length));
            var reader = new RtcpReader(buffer.AsSpan(0, length));
            while (reader.TryReadNext(out _, out _, out _, out _))
            {
            }
        }
    }

    [Fact]
    public void DemuxSeparatesRtcpFromRtp()
    {
        var rtp = new byte[172];
        RtpHeader.Write(rtp, true, 96, 1, 1, 1); // marker + PT 96 = 0xE0, above the RTCP range
        var rtcp = new byte[32];
        RtcpWriter.WriteReceiverReport(rtcp, 5, []);

        Assert.Equal(PacketKind.Rtp, RtpDemux.Classify(rtp));
        Assert.Equal(PacketKind.Rtcp, RtpDemux.Classify(rtcp.AsSpan(0, 8)));
        Assert.Equal(PacketKind.Garbage, RtpDemux.Classify("hello, world"u8));
        Assert.Equal(PacketKind.Garbage, RtpDemux.Classify([0x80, 0x00]));
    }
}
