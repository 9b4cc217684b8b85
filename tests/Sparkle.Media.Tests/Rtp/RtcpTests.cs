using Sparkle.Media.Rtp;

namespace Sparkle.Media.Tests.Rtp;

public class RtcpTests
{
    [Fact]
    public void CompoundSenderReportAndSdesParseBack()
    {
        var buffer = new byte[256];
        var info = new RtcpSenderInfo(0x0102030405060708, 1234, 50, 8000);
        var blocks = new[] { new RtcpReportBlock(0xAAAA, 25, -3, 70000, 12, 0x11112222, 0x30000) };
        var length = RtcpWriter.WriteSenderReport(buffer, 0x5555, info, blocks);
        length += RtcpWriter.WriteSourceDescription(buffer.AsSpan(length), 0x5555, "mixer@sparkle"u8);

        var reader = new RtcpReader(buffer.AsSpan(0, length));
        Assert.True(reader.TryReadNext(out var type, out var count, out var ssrc, out var body));
        Assert.Equal((byte)RtcpPacketType.SenderReport, type);
        Assert.Equal(1, count);
        Assert.Equal(0x5555u, ssrc);
        Assert.True(RtcpReader.TryReadSenderInfo(body, out var parsedInfo));
        Assert.Equal(info, parsedInfo);
        Assert.True(RtcpReader.TryReadReportBlock(body, isSenderReport: true, 0, out var block));
        Assert.Equal(blocks[0], block);

        Assert.True(reader.TryReadNext(out type, out _, out ssrc, out body));
        Assert.Equal((byte)RtcpPacketType.SourceDescription, type);
        Assert.Equal(1, body[0]); // CNAME
        Assert.Equal("mixer@sparkle", System.Text.Encoding.ASCII.GetString(body.Slice(2, body[1])));
        Assert.False(reader.TryReadNext(out _, out _, out _, out _));
        Assert.False(reader.Malformed);
        Assert.Equal(0, length % 4);
    }

    [Fact]
    public void OurSourceDescriptionNamesTheSsrcInHex()
    {
        var buffer = new byte[64];
        var length = RtcpWriter.WriteOwnSourceDescription(buffer, 0x0A1B2C3D);

        var reader = new RtcpReader(buffer.AsSpan(0, length));
        Assert.True(reader.TryReadNext(out var type, out _, out var ssrc, out var body));
        Assert.Equal(((byte)RtcpPacketType.SourceDescription, 0x0A1B2C3Du), (type, ssrc));
        Assert.Equal("sparkle-0a1b2c3d", System.Text.Encoding.ASCII.GetString(body.Slice(2, body[1])));
    }

    [Fact]
    public void TruncatedCompoundIsMarkedMalformed()
    {
        var buffer = new byte[64];
        var length = RtcpWriter.WriteReceiverReport(buffer, 1, [new RtcpReportBlock(2, 0, 0, 0, 0, 0, 0)]);
        var reader = new RtcpReader(buffer.AsSpan(0, length - 4));
        Assert.False(reader.TryReadNext(out _, out _, out _, out _));
        Assert.True(reader.Malformed);
    }

    [Fact]
    public void ReceiverStatsCountLossAndWrap()
    {
        var stats = new RtpReceiverStats(8000);
        var arrival = 0L;
        ushort seq = 65530;
        for (var i = 0; i < 20; i++, seq++)
        {
            if (i is 3 or 4 or 10)
            {
                continue; // lost
            }
            stats.Update(0x77, seq, (uint)(i * 160), arrival + i * 160);
        }
        Assert.Equal(17, stats.PacketsReceived);
        Assert.Equal(20, stats.Expected);
        Assert.Equal(3, stats.CumulativeLost);
        Assert.Equal(65530u + 19, stats.ExtendedHighestSequence); // 65549: wrapped once, cycles counted
        var block = stats.TakeReportBlock(0);
        Assert.Equal(3 * 256 / 20, block.FractionLost);
        Assert.Equal(3, block.CumulativeLost);
    }

    [Fact]
    public void JitterFollowsRfc3550Estimator()
    {
        var stats = new RtpReceiverStats(8000);
        // Packets every 160 ticks, arriving alternately 0 and 40 ticks late: |D| = 40 each time.
        for (var i = 0; i < 400; i++)
        {
            stats.Update(1, (ushort)i, (uint)(i * 160), i * 160 + (i % 2 == 0 ? 0 : 40));
        }
        Assert.InRange(stats.Jitter, 38u, 40u);
        Assert.InRange(stats.JitterMilliseconds, 4.7, 5.0);
    }

    [Fact]
    public void SymmetricRemoteLearnsTheSourceAddress()
    {
        var signalled = new System.Net.IPEndPoint(System.Net.IPAddress.Parse("192.0.2.10"), 4000);
        var remote = new SymmetricRemote(signalled);
        var nat = new System.Net.IPEndPoint(System.Net.IPAddress.Parse("198.51.100.7"), 61000);

        Assert.True(remote.Learn(nat));
        Assert.Equal(nat, remote.Current);
        Assert.False(remote.Learn(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("198.51.100.7"), 61000)));
        Assert.True(remote.Learned);
    }
}
