using Sparkle.Video.Rtp;

namespace Sparkle.Video.Tests.Rtp;

public class H264PayloadTests
{
    private static byte[] Nal(byte header, int length, int seed)
    {
        var nal = new byte[length];
        new Random(seed).NextBytes(nal);
        nal[0] = header;
        for (var i = 1; i < length; i++)
        {
            nal[i] = nal[i] == 0 ? (byte)7 : nal[i]; // no accidental start codes in the test data
        }

        return nal;
    }

    private static byte[] AnnexB(params byte[][] nals) =>
        nals.SelectMany(n => new byte[] { 0, 0, 0, 1 }.Concat(n)).ToArray();

    private static readonly byte[] s_sps = Nal(0x67, 12, 1);
    private static readonly byte[] s_pps = Nal(0x68, 5, 2);

    [Fact]
    public void KeyFrameGoesAsStapAForParameterSetsThenFuAFragments()
    {
        var idr = Nal(0x65, 5000, 3);
        var sink = new CollectingSink();
        new H264Packetizer(1200).Packetize(AnnexB(s_sps, s_pps, idr), sink);

        var packets = sink.Packets;
        Assert.Equal(24, packets[0].Payload[0] & 0x1F);
        Assert.Equal(0x60, packets[0].Payload[0] & 0x60); // NRI of the SPS
        Assert.Equal(1 + 2 + 12 + 2 + 5, packets[0].Payload.Length);
        var fragments = packets.Skip(1).ToList();
        Assert.Equal((int)Math.Ceiling(4999 / 1198.0), fragments.Count);
        Assert.All(fragments, f => Assert.Equal(0x7C, f.Payload[0])); // NRI 3, type 28
        Assert.Equal(0x85, fragments[0].Payload[1]); // S, type 5
        Assert.Equal(0x45, fragments[^1].Payload[1]); // E, type 5
        Assert.All(packets, p => Assert.True(p.Payload.Length <= 1200));
        Assert.Equal([.. Enumerable.Repeat(false, packets.Count - 1), true], packets.Select(p => p.Marker));
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 1198)]
    [InlineData(3, 1199)]
    [InlineData(4, 1200)]
    [InlineData(5, 1201)]
    [InlineData(6, 40000)]
    public void AccessUnitsSurviveARoundTrip(int seed, int sliceLength)
    {
        var frame = AnnexB(s_sps, s_pps, Nal(0x65, sliceLength, seed), Nal(0x41, sliceLength / 3 + 1, seed + 10));
        var sink = new CollectingSink();
        new H264Packetizer(1200).Packetize(frame, sink);
        var depacketizer = new H264Depacketizer();
        ushort sequence = 65530; // crosses the sequence number wrap
        Assert.Equal(DepacketizeResult.FrameReady, sink.Feed(depacketizer, ref sequence, 9000));
        Assert.Equal(frame, depacketizer.Frame.ToArray());
        Assert.True(depacketizer.FrameIsKeyFrame);
        Assert.Equal(9000u, depacketizer.FrameTimestamp);
    }

    [Fact]
    public void ModeZeroSendsEveryNalAloneEvenWhenItCouldAggregateOrMustFragment()
    {
        var big = Nal(0x65, 1500, 8);
        var sink = new CollectingSink();
        new H264Packetizer(1200, packetizationMode: 0).Packetize(AnnexB(s_sps, s_pps, big), sink);
        Assert.Equal([s_sps, s_pps, big], sink.Packets.Select(p => p.Payload));
        Assert.Equal([false, false, true], sink.Packets.Select(p => p.Marker));
        Assert.Throws<ArgumentOutOfRangeException>(() => new H264Packetizer(1200, packetizationMode: 2));
    }

    [Fact]
    public void SmallSliceGoesAsASingleNalUnitPacket()
    {
        var slice = Nal(0x41, 300, 9);
        var sink = new CollectingSink();
        new H264Packetizer().Packetize(AnnexB(slice), sink);
        var packet = Assert.Single(sink.Packets);
        Assert.Equal(slice, packet.Payload);
        Assert.True(packet.Marker);
    }

    [Fact]
    public void LostFragmentDropsTheFrameAndFreezesUntilTheNextKeyFrame()
    {
        var packetizer = new H264Packetizer(500);
        var depacketizer = new H264Depacketizer();
        ushort sequence = 1;
        var key = new CollectingSink();
        packetizer.Packetize(AnnexB(s_sps, s_pps, Nal(0x65, 3000, 1)), key);
        Assert.Equal(DepacketizeResult.FrameReady, key.Feed(depacketizer, ref sequence, 0));
        Assert.False(depacketizer.KeyFrameNeeded);

        var delta = new CollectingSink();
        packetizer.Packetize(AnnexB(Nal(0x41, 3000, 2)), delta);
        Assert.Equal(DepacketizeResult.FrameDropped, delta.Feed(depacketizer, ref sequence, 3000, i => i != 2));
        Assert.True(depacketizer.KeyFrameNeeded);

        // An intact delta frame is still refused: its references are gone.
        Assert.Equal(DepacketizeResult.FrameDropped, delta.Feed(depacketizer, ref sequence, 6000));
        Assert.Equal(DepacketizeResult.FrameReady, key.Feed(depacketizer, ref sequence, 9000));
        Assert.False(depacketizer.KeyFrameNeeded);
    }

    [Fact]
    public void ParameterSetsWithTheirOwnTimestampAreKeptForTheNextPicture()
    {
        var depacketizer = new H264Depacketizer();
        var idr = Nal(0x65, 80, 4);
        Assert.Equal(DepacketizeResult.Pending, depacketizer.Push(s_sps, 1, 1000, marker: false));
        Assert.Equal(DepacketizeResult.Pending, depacketizer.Push(s_pps, 2, 1000, marker: false));
        Assert.Equal(DepacketizeResult.FrameReady, depacketizer.Push(idr, 3, 4000, marker: true));
        Assert.Equal(AnnexB(s_sps, s_pps, idr), depacketizer.Frame.ToArray());
        Assert.Equal(4000u, depacketizer.FrameTimestamp);
        Assert.False(depacketizer.KeyFrameNeeded);
    }

    [Fact]
    public void LostMarkerIsDetectedWhenTheNextFrameStarts()
    {
        var depacketizer = new H264Depacketizer();
        Assert.Equal(DepacketizeResult.Pending, depacketizer.Push(Nal(0x65, 50, 1), 10, 0, marker: false));
        Assert.Equal(DepacketizeResult.FrameDropped, depacketizer.Push(Nal(0x65, 50, 2), 11, 3000, marker: false));
        Assert.Equal(DepacketizeResult.FrameReady, depacketizer.Push(Nal(0x65, 50, 3), 12, 3000, marker: true));
    }

    [Fact]
    public void TruncatedStapAIsDroppedUnlessItEndsOnAUnitBoundary()
    {
        var sink = new CollectingSink();
        new H264Packetizer().Packetize(AnnexB(s_sps, s_pps, Nal(0x41, 40, 1)), sink);
        var stap = Assert.Single(sink.Packets).Payload;
        for (var length = 0; length <= stap.Length; length++)
        {
            var depacketizer = new H264Depacketizer();
            Assert.Equal(DepacketizeResult.FrameReady, depacketizer.Push(Nal(0x65, 30, 5), 1, 0, marker: true));
            var result = depacketizer.Push(stap.AsSpan(0, length), 2, 3000, marker: true);
            var endsOnBoundary = length is 1 + 2 + 12 or 1 + 2 + 12 + 2 + 5 || length == stap.Length;
            Assert.Equal(endsOnBoundary ? DepacketizeResult.FrameReady : DepacketizeResult.FrameDropped, result);
        }
    }

    [Fact]
    public void RandomPayloadsNeverThrow()
    {
        var random = new Random(42);
        var depacketizer = new H264Depacketizer();
        var buffer = new byte[1500];
        for (var i = 0; i < 20000; i++)
        {
            var length = random.Next(0, buffer.Length);
            random.NextBytes(buffer);
            depacketizer.Push(buffer.AsSpan(0, length), (ushort)random.Next(), (uint)random.Next(4), random.Next(3) == 0);
        }

        Assert.True(depacketizer.Frame.Length <= 4 * 1024 * 1024);
    }

    [Fact]
    public void AnnexBReaderAcceptsThreeAndFourByteStartCodes()
    {
        byte[] stream = [0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 4, 5];
        var reader = new AnnexBReader(stream);
        var nals = new List<byte[]>();
        while (reader.TryNext(out var nal))
        {
            nals.Add(nal.ToArray());
        }

        Assert.Equal([[0x67, 1, 2], [0x68, 3], [0x65, 4, 5]], nals);
    }
}
