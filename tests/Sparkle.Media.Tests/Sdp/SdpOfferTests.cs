using Sparkle.Media.Codecs;
using Sparkle.Media.Sdp;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.Tests.Sdp;

public class SdpOfferTests
{
    private static readonly LocalAudioEndpoint s_local = new("10.0.0.5", 20002, SrtpRequired: true, SessionId: 7, SessionVersion: 1);

    [Fact]
    public void SecureOfferListsOurCodecsAndTwoCryptoLines()
    {
        var offer = SdpOfferer.CreateOffer(s_local);
        var m = Assert.Single(offer.Description.Media);
        Assert.Equal("RTP/SAVP", m.Protocol);
        Assert.Equal(["111", "9", "0", "8", "110", "101"], m.Formats);
        Assert.True(m.Has("rtcp-mux"));
        var crypto = m.Find("crypto").Select(a => { SdesCrypto.TryParse(a.Value, out var c); return c; }).ToList();
        Assert.Equal(2, crypto.Count);
        Assert.Equal([1, 2], crypto.Select(c => c.Tag));
        Assert.NotEqual(crypto[0].KeyMaterial, crypto[1].KeyMaterial);
    }

    [Fact]
    public void OurOfferAnsweredByOurAnswererCompletesWithMatchingKeys()
    {
        var offer = SdpOfferer.CreateOffer(s_local);
        var peer = new LocalAudioEndpoint("10.0.0.9", 30000, SrtpRequired: true, 1, 1) { Codecs = [AudioCodec.Pcmu] };
        var answer = SdpAnswerer.Answer(offer.ToString(), peer);
        Assert.True(answer.Ok, answer.Error);

        var completed = SdpOfferer.Complete(offer, answer.LocalDescription!.ToString());

        Assert.True(completed.Ok, completed.Error);
        Assert.Equal(AudioCodec.Pcmu, completed.Audio!.Codec);
        Assert.Equal(0, completed.Audio.PayloadType);
        Assert.Equal((byte)101, completed.Audio.TelephoneEventPayloadType);
        Assert.Equal(30000, completed.Audio.RemoteRtp!.Port);
        // Their sending key is our receiving key and the other way round.
        Assert.Equal(answer.Audio!.Srtp!.LocalKeyMaterial, completed.Audio.Srtp!.RemoteKeyMaterial);
        Assert.Equal(answer.Audio.Srtp.RemoteKeyMaterial, completed.Audio.Srtp.LocalKeyMaterial);
        Assert.Equal(SrtpSuite.AesCm128HmacSha1_80, completed.Audio.Srtp.Suite);
    }

    [Fact]
    public void RejectedAudioInTheAnswerFails()
    {
        var offer = SdpOfferer.CreateOffer(s_local);
        var answer = "v=0\r\no=- 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 0 RTP/SAVP 0\r\n";
        Assert.False(SdpOfferer.Complete(offer, answer).Ok);
    }

    [Fact]
    public void AnswerWithACryptoTagWeNeverOfferedFails()
    {
        var offer = SdpOfferer.CreateOffer(s_local);
        var answer = "v=0\r\no=- 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 30000 RTP/SAVP 0\r\n" +
            $"a=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:{Convert.ToBase64String(new byte[30])}\r\n";
        var result = SdpOfferer.Complete(offer, answer);
        Assert.False(result.Ok);
    }

    [Fact]
    public void PlainOfferWhenSrtpIsNotRequired()
    {
        var offer = SdpOfferer.CreateOffer(s_local with { SrtpRequired = false });
        Assert.Equal("RTP/AVP", offer.Description.Media[0].Protocol);
        Assert.Empty(offer.Description.Media[0].Find("crypto"));
    }
}
