using Sparkle.Media.Rtp;
using Sparkle.Media.Sdp;

namespace Sparkle.Media.Tests.Rtp;

/// <summary>RFC 6464 audio levels in RFC 8285 header extensions, and their SDP negotiation.</summary>
public class AudioLevelExtensionTests
{
    // A PCMU packet whose header extension holds the given bytes (after the profile and length words).
    private static byte[] Packet(ushort profile, params byte[] elements)
    {
        var words = (elements.Length + 3) / 4;
        var packet = new byte[12 + 4 + 4 * words + 160];
        RtpHeader.Write(packet, false, 0, 1, 160, 0x1234);
        packet[0] |= 0x10; // X
        packet[12] = (byte)(profile >> 8);
        packet[13] = (byte)profile;
        packet[15] = (byte)words;
        elements.CopyTo(packet, 16);
        return packet;
    }

    private static (bool Found, byte Level, bool Voice) Read(byte[] packet, int id)
    {
        Assert.True(RtpHeader.TryParse(packet, out var header));
        Assert.Equal(160, header.PayloadLength);
        var found = AudioLevelExtension.TryRead(packet, header, id, out var level, out var voice);
        return (found, level, voice);
    }

    [Fact]
    public void ReadsTheOneByteFormAmongOtherElementsAndPadding()
    {
        // id 3 with 2 bytes of something else, one padding byte, then id 1: V=1, level 42 (RFC 6464 §3).
        var packet = Packet(0xBEDE, 0x31, 0xAA, 0xBB, 0x00, 0x10, 0x80 | 42);
        Assert.Equal((true, (byte)42, true), Read(packet, 1));
        Assert.False(Read(packet, 2).Found);
    }

    [Fact]
    public void ReadsTheTwoByteForm()
    {
        var packet = Packet(0x1000, 0x00, 0x07, 0x01, 90);
        Assert.Equal((true, (byte)90, false), Read(packet, 7));
    }

    [Fact]
    public void PacketsWithoutOrWithBrokenExtensionsGiveNoLevel()
    {
        var plain = new byte[172];
        RtpHeader.Write(plain, false, 0, 1, 160, 0x1234);
        Assert.True(RtpHeader.TryParse(plain, out var header));
        Assert.False(AudioLevelExtension.TryRead(plain, header, 1, out _, out _));

        // An element claiming more bytes than the extension holds.
        Assert.False(Read(Packet(0xBEDE, 0x1F, 0x01, 0x02, 0x03), 1).Found);
        // An unknown profile.
        Assert.False(Read(Packet(0xABCD, 0x10, 0x80), 1).Found);
    }

    [Theory]
    [InlineData(10, false, true)]   // -10 dBov: speech, whatever the VAD flag
    [InlineData(100, true, true)]   // the sender's VAD says voice
    [InlineData(100, false, false)] // quiet and no voice
    public void SpeechIsVoiceOrLoudEnough(byte level, bool voice, bool speech) =>
        Assert.Equal(speech, AudioLevelExtension.IsSpeech(level, voice));

    [Fact]
    public void TheAnswerAcceptsAnOfferedAudioLevelExtensionAsReceiveOnly()
    {
        var offer = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" +
            "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=extmap:4 http://example.com/other\r\n" +
            $"a=extmap:5 {AudioLevelExtension.Uri} vad=on\r\n";
        var local = new LocalAudioEndpoint("10.0.0.5", 20000, SrtpRequired: false, SessionId: 1, SessionVersion: 1);

        var result = SdpAnswerer.Answer(offer, local);

        Assert.True(result.Ok, result.Error);
        Assert.Equal((byte)5, result.Audio!.AudioLevelId);
        var text = result.LocalDescription!.ToString();
        Assert.Contains($"a=extmap:5/recvonly {AudioLevelExtension.Uri}\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("example.com", text, StringComparison.Ordinal);

        var without = SdpAnswerer.Answer(offer.Replace($"a=extmap:5 {AudioLevelExtension.Uri} vad=on\r\n", ""), local);
        Assert.Null(without.Audio!.AudioLevelId);
        Assert.DoesNotContain("extmap", without.LocalDescription!.ToString(), StringComparison.Ordinal);
    }
}
