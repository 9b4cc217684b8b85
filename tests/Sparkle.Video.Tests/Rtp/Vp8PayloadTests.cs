using Sparkle.Video.Rtp;

namespace Sparkle.Video.Tests.Rtp;

public class Vp8PayloadTests
{
    private static byte[] Frame(int length, bool key, int seed)
    {
        var frame = new byte[length];
        new Random(seed).NextBytes(frame);
        frame[0] = (byte)(key ? frame[0] & 0xFE : frame[0] | 0x01);
        return frame;
    }

    [Fact]
    public void FrameIsSplitWithDescriptorsAndPictureIdsIncrement()
    {
        var packetizer = new Vp8Packetizer(1200, initialPictureId: 0x7FFF);
        var first = new CollectingSink();
        packetizer.Packetize(Frame(3000, key: true, 1), first);
        var second = new CollectingSink();
        packetizer.Packetize(Frame(100, key: false, 2), second);

        Assert.Equal(3, first.Packets.Count);
        Assert.Equal([0x90, 0x80, 0x80, 0x90], first.Packets.Select(p => (int)p.Payload[0]).Append(second.Packets[0].Payload[0]).Take(4));
        Assert.All(first.Packets, p => Assert.Equal(0x7FFF, ((p.Payload[2] & 0x7F) << 8) | p.Payload[3]));
        Assert.Equal(0, ((second.Packets[0].Payload[2] & 0x7F) << 8) | second.Packets[0].Payload[3]); // 15-bit wrap
        Assert.Equal([false, false, true], first.Packets.Select(p => p.Marker));
        Assert.All(first.Packets, p => Assert.True(p.Payload.Length <= 1200));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1196)]
    [InlineData(1197)]
    [InlineData(50000)]
    public void FramesSurviveARoundTrip(int length)
    {
        var frame = Frame(length, key: true, length);
        var sink = new CollectingSink();
        new Vp8Packetizer().Packetize(frame, sink);
        var depacketizer = new Vp8Depacketizer();
        ushort sequence = 100;
        Assert.Equal(DepacketizeResult.FrameReady, sink.Feed(depacketizer, ref sequence, 1234));
        Assert.Equal(frame, depacketizer.Frame.ToArray());
        Assert.True(depacketizer.FrameIsKeyFrame);
    }

    [Fact]
    public void MissingFirstPacketDropsTheFrameAndWaitsForAKeyFrame()
    {
        var packetizer = new Vp8Packetizer(500);
        var depacketizer = new Vp8Depacketizer();
        ushort sequence = 0;
        var key = new CollectingSink();
        packetizer.Packetize(Frame(1400, key: true, 1), key);
        Assert.Equal(DepacketizeResult.FrameReady, key.Feed(depacketizer, ref sequence, 0));

        var delta = new CollectingSink();
        packetizer.Packetize(Frame(1400, key: false, 2), delta);
        Assert.Equal(DepacketizeResult.FrameDropped, delta.Feed(depacketizer, ref sequence, 3000, i => i != 0));
        Assert.True(depacketizer.KeyFrameNeeded);
        Assert.Equal(DepacketizeResult.FrameDropped, delta.Feed(depacketizer, ref sequence, 6000));
        Assert.Equal(DepacketizeResult.FrameReady, key.Feed(depacketizer, ref sequence, 9000));
    }

    [Theory]
    [InlineData(new byte[] { 0x10 }, 1)]
    [InlineData(new byte[] { 0x90, 0x00 }, 2)]
    [InlineData(new byte[] { 0x90, 0x80, 0x12 }, 3)]
    [InlineData(new byte[] { 0x90, 0x80, 0x92, 0x34 }, 4)]
    [InlineData(new byte[] { 0x90, 0xF0, 0x92, 0x34, 0x05, 0x60 }, 6)]
    [InlineData(new byte[] { 0x90, 0x40, 0x05 }, 3)]
    [InlineData(new byte[] { 0x90, 0xF0, 0x92, 0x34, 0x05 }, -1)]
    [InlineData(new byte[] { 0x90, 0x80 }, -1)]
    [InlineData(new byte[] { 0x80 }, -1)]
    [InlineData(new byte[] { }, -1)]
    public void DescriptorLengthHandlesEveryOptionalField(byte[] payload, int expected) =>
        Assert.Equal(expected, Vp8Depacketizer.DescriptorLength(payload, out _, out _));

    [Fact]
    public void RandomPayloadsNeverThrow()
    {
        var random = new Random(7);
        var depacketizer = new Vp8Depacketizer();
        var buffer = new byte[1500];
        for (var i = 0; i < 20000; i++)
        {
            random.NextBytes(buffer);
            depacketizer.Push(buffer.AsSpan(0, random.Next(0, buffer.Length)), (ushort)random.Next(), (uint)random.Next(4), random.Next(3) == 0);
        }

        Assert.True(depacketizer.Frame.Length <= 4 * 1024 * 1024);
    }
}
