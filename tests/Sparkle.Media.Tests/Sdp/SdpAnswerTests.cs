using System.Net;
using Sparkle.Media.Codecs;
using Sparkle.Media.Sdp;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.Tests.Sdp;

public class SdpAnswerTests
{
    private static readonly LocalAudioEndpoint s_local = new("10.0.0.5", 20000, SrtpRequired: false, SessionId: 42, SessionVersion: 1);

    // What sipp's uac_pcap scenario and a typical desk phone offer.
    private const string PlainOffer =
        "v=0\r\no=user1 53655765 2353687637 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" +
        "m=audio 6000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\n";

    [Fact]
    public void AnswersWithTheOfferersFirstCommonCodecAndItsPayloadTypes()
    {
        var result = SdpAnswerer.Answer(PlainOffer, s_local);

        Assert.True(result.Ok, result.Error);
        var audio = result.Audio!;
        Assert.Equal(AudioCodec.Pcma, audio.Codec);
        Assert.Equal(8, audio.PayloadType);
        Assert.Equal((byte)101, audio.TelephoneEventPayloadType);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 6000), audio.RemoteRtp);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 6001), audio.RemoteRtcp);
        Assert.Null(audio.Srtp);

        var answer = result.LocalDescription!;
        var m = Assert.Single(answer.Media);
        Assert.Equal(20000, m.Port);
        Assert.Equal("RTP/AVP", m.Protocol);
        Assert.Equal(["8", "101"], m.Formats);
        Assert.Equal("10.0.0.5", answer.ConnectionAddressFor(m));
        Assert.Equal(MediaDirection.SendRecv, answer.DirectionFor(m));
    }

    [Fact]
    public void AnswerTextParsesBackAndKeepsTheLineStructure()
    {
        var text = SdpAnswerer.Answer(PlainOffer, s_local).LocalDescription!.ToString();
        Assert.StartsWith("v=0\r\no=sparkle 42 1 IN IP4 10.0.0.5\r\ns=", text, StringComparison.Ordinal);
        Assert.Contains("\r\nm=audio 20000 RTP/AVP 8 101\r\n", text, StringComparison.Ordinal);
        Assert.Contains("a=rtpmap:8 PCMA/8000\r\n", text, StringComparison.Ordinal);
        Assert.True(SessionDescription.TryParse(text, out var reparsed, out _));
        Assert.Equal(text, reparsed.ToString());
    }

    [Fact]
    public void KeepsMLineOrderAndRejectsVideoWithPortZero()
    {
        var offer = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" +
            "m=video 7000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n" +
            "m=audio 6000 RTP/AVP 9 0\r\n" +
            "m=audio 6002 RTP/AVP 0\r\n";
        var result = SdpAnswerer.Answer(offer, s_local);

        Assert.True(result.Ok, result.Error);
        var media = result.LocalDescription!.Media;
        Assert.Equal(3, media.Count);
        Assert.Equal(("video", 0), (media[0].Media, media[0].Port));
        Assert.Equal(["96"], media[0].Formats);
        Assert.Equal(("audio", 20000), (media[1].Media, media[1].Port));
        Assert.Equal(AudioCodec.G722, result.Audio!.Codec); // static PT 9 without rtpmap
        Assert.Equal(("audio", 0), (media[2].Media, media[2].Port));
    }

    [Theory]
    [InlineData("sendonly", MediaDirection.RecvOnly)]
    [InlineData("recvonly", MediaDirection.SendOnly)]
    [InlineData("inactive", MediaDirection.Inactive)]
    [InlineData("sendrecv", MediaDirection.SendRecv)]
    public void MirrorsTheOfferedDirection(string offered, MediaDirection expected)
    {
        var result = SdpAnswerer.Answer(PlainOffer + $"a={offered}\r\n", s_local);
        Assert.Equal(expected, result.Audio!.Direction);
        Assert.Contains($"a={expected.ToAttribute()}\r\n", result.LocalDescription!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void OldStyleHoldAddressMeansWeSendNothing()
    {
        var result = SdpAnswerer.Answer(PlainOffer.Replace("c=IN IP4 192.0.2.1", "c=IN IP4 0.0.0.0", StringComparison.Ordinal), s_local);
        Assert.True(result.Ok);
        Assert.Null(result.Audio!.RemoteRtp);
        Assert.False(result.Audio.Direction.Sends());
        Assert.True(result.Audio.Direction.Receives());
    }

    [Fact]
    public void OpusOfferGetsOpusWithTheOfferedDynamicTypeAndFec()
    {
        var offer = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" +
            "m=audio 6000 RTP/AVP 107 0 98 99\r\na=rtpmap:107 opus/48000/2\r\na=fmtp:107 useinbandfec=1\r\n" +
            "a=rtpmap:98 telephone-event/48000\r\na=rtpmap:99 telephone-event/8000\r\na=rtcp-mux\r\n";
        var result = SdpAnswerer.Answer(offer, s_local);
        Assert.Equal(AudioCodec.Opus, result.Audio!.Codec);
        Assert.Equal(107, result.Audio.PayloadType);
        Assert.Equal((byte)98, result.Audio.TelephoneEventPayloadType);
        Assert.True(result.Audio.RtcpMux);
        Assert.Equal(result.Audio.RemoteRtp, result.Audio.RemoteRtcp);
        var text = result.LocalDescription!.ToString();
        Assert.Contains("a=rtpmap:107 opus/48000/2\r\n", text, StringComparison.Ordinal);
        Assert.Contains("a=fmtp:107 useinbandfec=1", text, StringComparison.Ordinal);
        Assert.Contains("a=rtcp-mux\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void RtcpAttributeOverridesPortPlusOne()
    {
        var result = SdpAnswerer.Answer(PlainOffer + "a=rtcp:53020 IN IP4 198.51.100.1\r\n", s_local);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 53020), result.Audio!.RemoteRtcp);
    }

    private const string SavpOffer =
        "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" +
        "m=audio 6000 RTP/SAVP 0\r\n" +
        "a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY3ODkwYWJjZGVmZ2hpams=\r\n" +
        "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:WVNfX19EMKqj0g8vWOPSaPbTjkN0hNmqCw/hKONN\r\n" +
        "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^20|1:32\r\n";

    [Fact]
    public void SavpAcceptsTheFirstSupportedCryptoLineWithAFreshKey()
    {
        var result = SdpAnswerer.Answer(SavpOffer, s_local);

        Assert.True(result.Ok, result.Error);
        var keys = result.Audio!.Srtp!;
        Assert.Equal(SrtpSuite.AesCm128HmacSha1_32, keys.Suite);
        Assert.Equal(Convert.FromBase64String("WVNfX19EMKqj0g8vWOPSaPbTjkN0hNmqCw/hKONN"), keys.RemoteKeyMaterial);
        Assert.Equal(30, keys.LocalKeyMaterial.Length);
        Assert.NotEqual(keys.RemoteKeyMaterial, keys.LocalKeyMaterial);

        var crypto = Assert.Single(result.LocalDescription!.Media[0].Find("crypto"));
        Assert.True(SdesCrypto.TryParse(crypto.Value, out var answered));
        Assert.Equal(2, answered.Tag);
        Assert.Equal("AES_CM_128_HMAC_SHA1_32", answered.SuiteName);
        Assert.Equal(keys.LocalKeyMaterial, answered.KeyMaterial);
        Assert.Equal("RTP/SAVP", result.LocalDescription.Media[0].Protocol);
    }

    [Fact]
    public void EachAnswerUsesANewKey()
    {
        var first = SdpAnswerer.Answer(SavpOffer, s_local).Audio!.Srtp!.LocalKeyMaterial;
        var second = SdpAnswerer.Answer(SavpOffer, s_local).Audio!.Srtp!.LocalKeyMaterial;
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void SavpWithoutAcceptableCryptoIsRefused()
    {
        var offer = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" +
            "m=audio 6000 RTP/SAVP 0\r\n" +
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:dG9vc2hvcnQ=\r\n"; // 8-byte key: invalid length
        var result = SdpAnswerer.Answer(offer, s_local);
        Assert.False(result.Ok);
        Assert.Contains("crypto", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void SrtpPolicyRefusesPlainRtp()
    {
        var result = SdpAnswerer.Answer(PlainOffer, s_local with { SrtpRequired = true });
        Assert.False(result.Ok);
        Assert.Contains("SRTP", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void NoCommonCodecIsRefused()
    {
        var offer = PlainOffer.Replace("RTP/AVP 8 0 101", "RTP/AVP 18 101", StringComparison.Ordinal);
        var result = SdpAnswerer.Answer(offer, s_local);
        Assert.False(result.Ok);
        Assert.Equal("no common audio codec", result.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("v=0\r\nm=audio notaport RTP/AVP 0\r\n")]
    [InlineData("o=- 1 1 IN IP4 1.2.3.4\r\nm=audio 5000 RTP/AVP 0\r\n")]
    [InlineData("v=0\r\nm=audio 99999 RTP/AVP 0\r\n")]
    [InlineData("v=0\r\nc=IN IP4 not-an-ip\r\nm=audio 5000 RTP/AVP 0\r\na=rtpmap:0\r\na=crypto:x\r\n")]
    public void GarbageNeverThrows(string text)
    {
        var result = SdpAnswerer.Answer(text, s_local);
        if (result.Ok)
        {
            Assert.Null(result.Audio!.RemoteRtp); // an unusable address leaves us waiting for symmetric RTP
        }
        else
        {
            Assert.NotNull(result.Error);
        }
    }

    [Fact]
    public void MutatedOffersNeverThrow()
    {
        var random = new Random(11);
        var seeds = new[] { PlainOffer, SavpOffer };
        const string alphabet = "0123456789 :/=\r\nabcmvIPNRTAS-|+";
        for (var i = 0; i < 3000; i++)
        {
            var chars = seeds[i % 2].ToCharArray();
            for (var m = random.Next(1, 6); m > 0; m--)
            {
                chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            }
            var text = new string(chars, 0, random.Next(chars.Length / 2, chars.Length + 1));
            var result = SdpAnswerer.Answer(text, s_local);
            Assert.True(result.Ok || result.Error is not null);
        }
    }
}
