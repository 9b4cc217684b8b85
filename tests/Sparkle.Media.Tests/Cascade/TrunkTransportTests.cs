using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Sparkle.Media.Cascade;
using Sparkle.Media.Codecs;
using Sparkle.Media.Mixing;
using Sparkle.Media.Rtp;
using Sparkle.Media.Transport;

namespace Sparkle.Media.Tests.Cascade;

/// <summary>One trunk end's packets as the other end reads them: end <c>a</c> sends to a capture socket, and the test
/// hands each datagram to end <c>b</c>'s receive handler on its own thread (so what b allocates can be counted).</summary>
public sealed class TrunkTransportTests : IAsyncLifetime
{
    private static int s_portBase = 51000;
    private readonly Socket _capture = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly ConferenceMixer _mixer = new();
    private readonly byte[] _datagram = new byte[2048];
    private readonly SocketAddress _from = new(AddressFamily.InterNetwork);
    private TrunkTransport _a = null!;
    private TrunkTransport _b = null!;
    private MixerLeg _bLeg = null!;

    public Task InitializeAsync()
    {
        var first = Interlocked.Add(ref s_portBase, 20);
        var ports = new RtpPortAllocator(IPAddress.Loopback, first, first + 19);
        _capture.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _capture.ReceiveTimeout = 5000;
        _a = new TrunkTransport(ports.Allocate());
        _b = new TrunkTransport(ports.Allocate());
        _a.Connect((IPEndPoint)_capture.LocalEndPoint!, _b.SendKey);
        _b.Connect(new IPEndPoint(IPAddress.Loopback, _a.LocalPort), _a.SendKey);
        _bLeg = _mixer.AddLeg(":trunk:a", AudioCodec.Opus, _b);
        _b.Attach(_bLeg);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        _mixer.Dispose();
        _capture.Dispose();
    }

    private static MixContributors Contributors(params string[] ids)
    {
        var contributors = new MixContributors();
        foreach (var id in ids)
        {
            contributors.Add(id, 30);
        }
        return contributors;
    }

    /// <summary>Receives what a sent and hands it to b, like b's receive thread; returns its first two bytes.</summary>
    private int Relay()
    {
        var length = _capture.ReceiveFrom(_datagram, SocketFlags.None, _from);
        ((UdpReceiveLoop.IHandler)_b).OnDatagram(_datagram.AsSpan(0, length), _from, rtcpSocket: false);
        return BinaryPrimitives.ReadUInt16BigEndian(_datagram);
    }

    [Fact]
    public void TheContributorsTravelAsCsrcsWithLevelsAndAreNamedByTheTrunksSdes()
    {
        var payload = new byte[80];
        _a.SendMix(payload, 960, Contributors("alice", "bob"));

        var first = Relay(); // the RTP: CSRCs not yet named
        Assert.Equal(0x80 | 0x10 | 2, first >> 8); // version 2, extension (RFC 6465 levels), two CSRCs
        Assert.Equal(TrunkTransport.PayloadType, first & 0x7F);
        var levels = AudioLevelRead(_datagram);
        Assert.Equal([30, 30], levels);
        Assert.Empty(_bLeg.Contributors);
        Assert.Equal(2, _b.Counters.UnnamedSources);

        Assert.Equal((byte)RtcpPacketType.SenderReport, Relay() & 0xFF); // a new source is named at once
        Assert.Equal(2, _a.Counters.NamesSent);

        _a.SendMix(payload, 960, Contributors("bob"));
        Relay();
        Assert.Equal(["bob"], _bLeg.Contributors);
        _a.SendMix(payload, 960, Contributors());
        Relay();
        Assert.Empty(_bLeg.Contributors);
        Assert.Equal(3, _b.Counters.RtpReceived);
        Assert.Equal(0, _b.Counters.AuthenticationFailures + _b.Counters.Garbage + _b.Counters.Errors);
    }

    [Fact]
    public void SendingAndReceivingAllocateNothingPerPacket()
    {
        var payload = new byte[80];
        var speakers = Contributors("alice", "bob", "carol");
        for (var i = 0; i < 50; i++)
        {
            _a.SendMix(payload, 960, speakers);
            Relay();
        }
        _a.Housekeeping();
        Relay();
        _mixer.Tick(); // drain b's jitter buffer now and then, as the mixer does

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 500; i++)
        {
            _a.SendMix(payload, 960, speakers);
            Relay();
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(["alice", "bob", "carol"], _bLeg.Contributors);
        Assert.True(allocated < 1000, $"{allocated} bytes allocated for 500 packets sent and received");
    }

    [Fact]
    public void NoiseForgeriesAndTruncationsAreCountedAndDroppedWithoutAnError()
    {
        var random = new Random(13);
        var handler = (UdpReceiveLoop.IHandler)_b;
        var packet = new byte[300];
        for (var i = 0; i < 2000; i++)
        {
            random.NextBytes(packet);
            if (i % 2 == 0)
            {
                packet[0] = (byte)(0x80 | (packet[0] & 0x3F)); // looks like RTP/RTCP, with any CSRC count and flags
                packet[1] = (byte)(i % 4 == 0 ? TrunkTransport.PayloadType : 200 + (packet[1] % 5));
            }
            handler.OnDatagram(packet.AsSpan(0, random.Next(0, packet.Length)), _from, rtcpSocket: false);
        }
        // A genuine packet cut short fails its tag.
        _a.SendMix(new byte[80], 960, Contributors("alice"));
        var length = _capture.ReceiveFrom(_datagram, SocketFlags.None, _from);
        handler.OnDatagram(_datagram.AsSpan(0, length - 3), _from, rtcpSocket: false);

        Assert.Equal(0, _b.Counters.RtpReceived + _b.Counters.RtcpReceived);
        Assert.Equal(0, _b.Counters.Errors);
        Assert.True(_b.Counters.AuthenticationFailures > 500, $"{_b.Counters.AuthenticationFailures} failed authentication");
        Assert.True(_b.Counters.Garbage > 500, $"{_b.Counters.Garbage} garbage");
        Assert.Empty(_bLeg.Contributors);
    }

    [Fact]
    public void SourceNamesSurviveTheSdesRoundTripAndAMalformedChunkStopsTheReading()
    {
        var buffer = new byte[600];
        var length = TrunkSourceNames.Begin(buffer, 0x01020304);
        length = TrunkSourceNames.AddSource(buffer, length, 7, "alice"u8);
        length = TrunkSourceNames.AddSource(buffer, length, 8, "bob-with-a-longer-name@example.org"u8);
        TrunkSourceNames.Finish(buffer, length, 3);
        var names = new List<(uint, string)>();

        var reader = new RtcpReader(buffer.AsSpan(0, length));
        Assert.True(reader.TryReadNext(out var type, out var count, out var ssrc, out var body));
        Assert.Equal((byte)RtcpPacketType.SourceDescription, type);
        Assert.True(TrunkSourceNames.Read(ssrc, body, count, ref names, static (ref List<(uint, string)> list, uint csrc, ReadOnlySpan<byte> id) =>
            list.Add((csrc, System.Text.Encoding.UTF8.GetString(id)))));
        Assert.Equal([(7u, "alice"), (8u, "bob-with-a-longer-name@example.org")], names);

        names.Clear();
        Assert.False(TrunkSourceNames.Read(ssrc, body[..^8], count, ref names, static (ref List<(uint, string)> list, uint csrc, ReadOnlySpan<byte> id) =>
            list.Add((csrc, System.Text.Encoding.UTF8.GetString(id)))));
        Assert.Equal([(7u, "alice")], names);
    }

    /// <summary>The RFC 6465 levels of a (protected) trunk packet: the header and its extension are in the clear.</summary>
    private static byte[] AudioLevelRead(byte[] packet)
    {
        var csrcs = packet[0] & 0x0F;
        var at = 12 + 4 * csrcs;
        Assert.Equal(0xBEDE, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(at)));
        var element = packet[at + 4];
        Assert.Equal(TrunkTransport.LevelExtensionId, element >> 4);
        return packet.AsSpan(at + 5, (element & 0x0F) + 1).ToArray();
    }
}
