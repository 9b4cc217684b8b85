using System.Net;
using System.Net.Sockets;
using Sparkle.Media.Codecs;
using Sparkle.Media.Mixing;
using Sparkle.Media.Rtp;
using Sparkle.Media.Sdp;
using Sparkle.Media.Transport;

namespace Sparkle.Media.Tests.Transport;

/// <summary>A real leg transport on loopback receiving RFC 6464 levels: packets its phone marks quiet are
/// left undecoded by the mixer while nobody hears the leg.</summary>
public sealed class AudioLevelReceiveTests
{
    private sealed class NullObserver : IAudioLegObserver
    {
        public void OnSsrcLearned(string participantId, uint ssrc) { }
        public void OnDtmf(string participantId, char digit) { }
    }

    private static byte[] Packet(ushort seq, byte levelByte)
    {
        // 12-byte header with X, then a one-byte-form extension holding id 1 (the level), then 160 bytes of PCMU silence.
        var packet = new byte[12 + 8 + 160];
        RtpHeader.Write(packet, false, 0, seq, (uint)(seq * 160), 0x5EED);
        packet[0] |= 0x10;
        packet[12] = 0xBE; packet[13] = 0xDE; packet[15] = 1;
        packet[16] = 0x10; packet[17] = levelByte;
        packet.AsSpan(20).Fill(0xFF);
        return packet;
    }

    [Theory]
    [InlineData(127, true)]         // -127 dBov, no voice flag: quiet
    [InlineData(0x80 | 20, false)]  // voice at -20 dBov: decoded
    public async Task QuietMarkedPacketsAreNotDecoded(byte levelByte, bool skipped)
    {
        using var phone = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        phone.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var mixer = new ConferenceMixer();
        var sockets = new RtpPortAllocator(IPAddress.Loopback, 41000, 41999).Allocate();
        await using var transport = new AudioLegTransport("quiet", sockets, 0x1234, new NullObserver());
        transport.Apply(new NegotiatedAudio(AudioCodec.Pcmu, 0, null, MediaDirection.SendRecv,
            (IPEndPoint)phone.LocalEndPoint!, null, RtcpMux: true, Srtp: null, AudioLevelId: 1));
        var leg = mixer.AddLeg("quiet", AudioCodec.Pcmu, transport);
        transport.Attach(leg);
        transport.Start();
        var worker = new IPEndPoint(IPAddress.Loopback, sockets.Port);

        for (ushort seq = 1; seq <= 40; seq++)
        {
            phone.SendTo(Packet(seq, levelByte), worker);
            await Task.Delay(5);
            mixer.Tick();
        }
        for (var i = 0; i < 10; i++)
        {
            mixer.Tick();
        }

        Assert.True(leg.JitterStatistics.Pushed >= 30, $"only {leg.JitterStatistics.Pushed} packets reached the leg");
        if (skipped)
        {
            Assert.True(leg.DecodesSkipped > 20, $"skipped {leg.DecodesSkipped}");
        }
        else
        {
            Assert.Equal(0, leg.DecodesSkipped);
        }
    }
}
