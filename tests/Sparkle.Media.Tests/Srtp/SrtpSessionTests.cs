using Sparkle.Media.Rtp;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.Tests.Srtp;

public class SrtpSessionTests
{
    private static readonly byte[] s_keyMaterial = Enumerable.Range(1, 30).Select(i => (byte)(i * 7)).ToArray();

    private static (SrtpContext Sender, SrtpContext Receiver) Pair(SrtpSuite suite) =>
        (SrtpContext.FromKeyMaterial(suite, s_keyMaterial), SrtpContext.FromKeyMaterial(suite, s_keyMaterial));

    private static byte[] Packet(ushort seq, byte fill = 0x5A, int payload = 160)
    {
        var buffer = new byte[12 + payload + 16];
        RtpHeader.Write(buffer, false, 0, seq, seq * 160u, 0x11223344);
        buffer.AsSpan(12, payload).Fill(fill);
        return buffer;
    }

    [Theory]
    [InlineData(SrtpSuite.AesCm128HmacSha1_80, 10)]
    [InlineData(SrtpSuite.AesCm128HmacSha1_32, 4)]
    public void RoundTripRestoresThePacketAndAddsTheSuiteTag(SrtpSuite suite, int tag)
    {
        var (sender, receiver) = Pair(suite);
        var packet = Packet(1000);
        var original = packet.AsSpan(0, 172).ToArray();

        Assert.Equal(SrtpStatus.Ok, sender.ProtectRtp(packet, 172, out var protectedLength));
        Assert.Equal(172 + tag, protectedLength);
        Assert.NotEqual(original.AsSpan(12).ToArray(), packet.AsSpan(12, 160).ToArray());

        Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(packet.AsSpan(0, protectedLength), out var plainLength));
        Assert.Equal(original, packet.AsSpan(0, plainLength).ToArray());
    }

    [Fact]
    public void TamperedPacketFailsAuthentication()
    {
        var (sender, receiver) = Pair(SrtpSuite.AesCm128HmacSha1_80);
        var packet = Packet(5);
        sender.ProtectRtp(packet, 172, out var length);
        packet[40] ^= 0x01;
        var received = packet.AsSpan(0, length).ToArray();

        Assert.Equal(SrtpStatus.AuthenticationFailed, receiver.UnprotectRtp(packet.AsSpan(0, length), out _));
        Assert.Equal(received, packet.AsSpan(0, length).ToArray()); // a refused packet is left as it came
    }

    [Fact]
    public void WrongKeyFailsAuthentication()
    {
        using var sender = SrtpContext.FromKeyMaterial(SrtpSuite.AesCm128HmacSha1_80, s_keyMaterial);
        using var receiver = SrtpContext.FromKeyMaterial(SrtpSuite.AesCm128HmacSha1_80, new byte[30]);
        var packet = Packet(5);
        sender.ProtectRtp(packet, 172, out var length);

        Assert.Equal(SrtpStatus.AuthenticationFailed, receiver.UnprotectRtp(packet.AsSpan(0, length), out _));
    }

    [Fact]
    public void ReplayedPacketIsRefusedButReorderedOnesPass()
    {
        var (sender, receiver) = Pair(SrtpSuite.AesCm128HmacSha1_80);
        var packets = new List<byte[]>();
        for (ushort seq = 10; seq < 15; seq++)
        {
            var p = Packet(seq);
            sender.ProtectRtp(p, 172, out var length);
            packets.Add(p.AsSpan(0, length).ToArray());
        }
        Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(packets[0].ToArray(), out _));
        Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(packets[2].ToArray(), out _));
        Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(packets[1].ToArray(), out _)); // late but new
        Assert.Equal(SrtpStatus.Replay, receiver.UnprotectRtp(packets[2].ToArray(), out _));
        Assert.Equal(SrtpStatus.Replay, receiver.UnprotectRtp(packets[0].ToArray(), out _));
    }

    [Fact]
    public void RolloverCounterFollowsTheSequenceWrap()
    {
        var (sender, receiver) = Pair(SrtpSuite.AesCm128HmacSha1_80);
        foreach (var seq in new ushort[] { 65534, 65535, 0, 1, 2 })
        {
            var packet = Packet(seq, fill: (byte)seq);
            sender.ProtectRtp(packet, 172, out var length);
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(packet.AsSpan(0, length), out var plain));
            Assert.All(packet.AsSpan(12, plain - 12).ToArray(), b => Assert.Equal((byte)seq, b));
        }
    }

    [Fact]
    public void PacketAfterWrapEncryptedWithWrongRocDoesNotAuthenticate()
    {
        // A sender that never saw the wrap (ROC 0) for seq 1 after the receiver moved to ROC 1.
        var (sender, receiver) = Pair(SrtpSuite.AesCm128HmacSha1_80);
        using var naive = SrtpContext.FromKeyMaterial(SrtpSuite.AesCm128HmacSha1_80, s_keyMaterial);
        foreach (var seq in new ushort[] { 65535, 0 })
        {
            var packet = Packet(seq);
            sender.ProtectRtp(packet, 172, out var length);
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(packet.AsSpan(0, length), out _));
        }
        var stale = Packet(1);
        naive.ProtectRtp(stale, 172, out var staleLength);
        Assert.Equal(SrtpStatus.AuthenticationFailed, receiver.UnprotectRtp(stale.AsSpan(0, staleLength), out _));
    }

    [Fact]
    public void RtcpRoundTripAndReplay()
    {
        var (sender, receiver) = Pair(SrtpSuite.AesCm128HmacSha1_32);
        var buffer = new byte[128];
        var length = RtcpWriter.WriteReceiverReport(buffer, 0xABCDEF01, [new RtcpReportBlock(1, 2, 3, 4, 5, 6, 7)]);
        var plain = buffer.AsSpan(0, length).ToArray();
        Assert.Equal(SrtpStatus.Ok, sender.ProtectRtcp(buffer, length, out var protectedLength));
        Assert.Equal(length + 14, protectedLength); // SRTCP keeps an 80-bit tag even for the _32 suite
        var copy = buffer.AsSpan(0, protectedLength).ToArray();

        Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtcp(buffer.AsSpan(0, protectedLength), out var plainLength));
        Assert.Equal(plain, buffer.AsSpan(0, plainLength).ToArray());
        Assert.Equal(SrtpStatus.Replay, receiver.UnprotectRtcp(copy, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(11)]
    [InlineData(21)]
    public void ShortOrGarbagePacketsAreRefusedNotThrown(int length)
    {
        var (_, receiver) = Pair(SrtpSuite.AesCm128HmacSha1_80);
        var garbage = new byte[length];
        new Random(length).NextBytes(garbage);
        var status = receiver.UnprotectRtp(garbage, out _);
        Assert.NotEqual(SrtpStatus.Ok, status);
        Assert.NotEqual(SrtpStatus.Ok, receiver.UnprotectRtcp(garbage, out _));
    }

    [Fact]
    public void ProtectAndUnprotectAllocateNothingPerPacket()
    {
        var (sender, receiver) = Pair(SrtpSuite.AesCm128HmacSha1_80);
        var packet = Packet(1);
        // Warm up (first calls JIT and create native cipher contexts).
        for (ushort seq = 1; seq < 50; seq++)
        {
            RtpHeader.Write(packet, false, 0, seq, seq * 160u, 0x11223344);
            sender.ProtectRtp(packet, 172, out var l);
            receiver.UnprotectRtp(packet.AsSpan(0, l), out _);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (ushort seq = 50; seq < 1050; seq++)
        {
            RtpHeader.Write(packet, false, 0, seq, seq * 160u, 0x11223344);
            sender.ProtectRtp(packet, 172, out var l);
            receiver.UnprotectRtp(packet.AsSpan(0, l), out _);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1000, $"{allocated} bytes allocated for 1000 packets");
    }

    [Fact]
    public void ARetransmissionFromBeforeTheWrapKeepsItsRolloverCounter()
    {
        var (sender, receiver) = Pair(SrtpSuite.AesCm128HmacSha1_80);
        var protectedPackets = new Dictionary<ushort, byte[]>();
        foreach (ushort seq in new ushort[] { 65534, 65535, 0, 1 })
        {
            var packet = Packet(seq, fill: (byte)seq);
            Assert.Equal(SrtpStatus.Ok, sender.ProtectRtp(packet, 172, out var length));
            protectedPackets[seq] = packet[..length];
        }
        // 65535 is lost on the way; the receiver NACKs it and it is sent again after 0 and 1.
        var again = Packet(65535, fill: 0xFF);
        Assert.Equal(SrtpStatus.Ok, sender.ProtectRtp(again, 172, out var againLength));
        Assert.Equal(protectedPackets[65535], again[..againLength]);
        var next = Packet(2, fill: 2);
        Assert.Equal(SrtpStatus.Ok, sender.ProtectRtp(next, 172, out var nextLength));

        foreach (var packet in new[] { protectedPackets[65534], protectedPackets[0], protectedPackets[1], again[..againLength], next[..nextLength] })
        {
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(packet, out _));
        }
    }
}
