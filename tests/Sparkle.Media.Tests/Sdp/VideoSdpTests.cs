using Sparkle.Media.Sdp;
using Sparkle.Media.Srtp;
using Sparkle.Video.Codecs;

namespace Sparkle.Media.Tests.Sdp;

/// <summary>Video in offer/answer: RFC 6184 §8 (H.264 packetization mode and profile-level-id), RFC 7741
/// (VP8), RFC 4585 feedback as far as both sides do it, b=AS, SDES per stream.</summary>
public class VideoSdpTests
{
    private static readonly LocalAudioEndpoint s_local = new("10.0.0.5", 20000, SrtpRequired: false, SessionId: 42, SessionVersion: 1)
    {
        Video = new LocalVideoEndpoint(20002) { ReceiveBitrateKbps = 1024 },
    };

    private const string Head = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";
    private const string Audio = "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

    // What a Linphone-style softphone offers: H.264 mode 1 and mode 0, VP8, feedback, a bandwidth.
    private const string SoftphoneVideo =
        "m=video 7000 RTP/AVP 96 97 98\r\nb=AS:2000\r\n" +
        "a=rtpmap:96 H264/90000\r\na=fmtp:96 profile-level-id=42801F;packetization-mode=1;level-asymmetry-allowed=1\r\n" +
        "a=rtpmap:97 H264/90000\r\na=fmtp:97 profile-level-id=42801F\r\n" +
        "a=rtpmap:98 VP8/90000\r\n" +
        "a=rtcp-fb:* nack\r\na=rtcp-fb:* nack pli\r\na=rtcp-fb:96 ccm fir\r\na=rtcp-fb:96 goog-remb\r\na=rtcp-fb:96 transport-cc\r\n";

    private static SdpNegotiationResult AnswerOk(string offer, LocalAudioEndpoint? local = null)
    {
        var result = SdpAnswerer.Answer(offer, local ?? s_local);
        Assert.True(result.Ok, result.Error);
        return result;
    }

    [Fact]
    public void AnswersH264Mode1WithTheOfferedProfileOurLevelAndTheFeedbackBothDo()
    {
        var result = AnswerOk(Head + Audio + SoftphoneVideo);

        var video = result.Video!;
        Assert.Equal((VideoCodec.H264, (byte)96), (video.Codec, video.PayloadType));
        Assert.Equal(1, video.Parameters.PacketizationMode);
        Assert.Equal(VideoFeedbackTypes.Nack | VideoFeedbackTypes.Pli | VideoFeedbackTypes.Fir | VideoFeedbackTypes.Remb, video.Feedback);
        Assert.Equal(2000, video.RemoteBandwidthKbps);
        Assert.Equal(7000, video.RemoteRtp!.Port);
        Assert.Equal(7001, video.RemoteRtcp!.Port);
        Assert.Null(video.Srtp);

        var m = result.LocalDescription!.Media[1];
        Assert.Equal(("video", 20002, "RTP/AVP"), (m.Media, m.Port, m.Protocol));
        Assert.Equal(["96"], m.Formats);
        var text = result.LocalDescription.ToString();
        Assert.Contains("m=video 20002 RTP/AVP 96\r\nb=AS:1024\r\na=rtpmap:96 H264/90000\r\n", text, StringComparison.Ordinal);
        Assert.Contains("a=fmtp:96 profile-level-id=42801f;packetization-mode=1;level-asymmetry-allowed=1\r\n", text, StringComparison.Ordinal);
        Assert.Contains("a=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 ccm fir\r\na=rtcp-fb:96 goog-remb\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("transport-cc", text, StringComparison.Ordinal);
        Assert.True(SessionDescription.TryParse(text, out var reparsed, out _));
        Assert.Equal(text, reparsed.ToString());
    }

    [Theory]
    [InlineData("profile-level-id=42e01e;packetization-mode=1", "profile-level-id=42e01e;packetization-mode=1")] // 3.0: kept (symmetric, ours is higher)
    [InlineData("profile-level-id=42e028;packetization-mode=1", "profile-level-id=42e01f;packetization-mode=1")] // 4.0: lowered to ours
    [InlineData("profile-level-id=640c0d;packetization-mode=1;level-asymmetry-allowed=1", "profile-level-id=640c1f;packetization-mode=1;level-asymmetry-allowed=1")]
    [InlineData("packetization-mode=1", "packetization-mode=1")] // no profile-level-id: none in the answer
    [InlineData("profile-level-id=4d001f", "profile-level-id=4d001f;packetization-mode=0")] // mode 0 by default
    public void H264ProfileLevelIdAndModeAreNegotiated(string offered, string answered)
    {
        var result = AnswerOk(Head + Audio + $"m=video 7000 RTP/AVP 100\r\na=rtpmap:100 H264/90000\r\na=fmtp:100 {offered}\r\n");

        Assert.Contains($"a=fmtp:100 {answered}\r\n", result.LocalDescription!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ModeZeroReceiversAreMarkedForSingleNalUnitPackets()
    {
        var result = AnswerOk(Head + Audio + "m=video 7000 RTP/AVP 97\r\na=rtpmap:97 H264/90000\r\na=fmtp:97 profile-level-id=42801F\r\n");
        Assert.True(result.Video!.Parameters.RequiresSingleNalMode);
    }

    [Theory]
    [InlineData("96 97", "a=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=2\r\na=rtpmap:97 VP8/90000\r\n", VideoCodec.Vp8, 97)] // interleaved: next one
    [InlineData("96 97", "a=rtpmap:96 H264/90000\r\na=fmtp:96 profile-level-id=f4001f\r\na=rtpmap:97 VP8/90000\r\n", VideoCodec.Vp8, 97)] // 4:4:4: next one
    [InlineData("97 96", "a=rtpmap:96 H264/90000\r\na=rtpmap:97 VP8/90000\r\n", VideoCodec.Vp8, 97)] // the offerer's order wins
    [InlineData("96 97", "a=rtpmap:96 H264/90000\r\na=rtpmap:97 VP8/90000\r\n", VideoCodec.H264, 96)]
    public void TakesTheOfferersFirstFormatWeCanDo(string order, string formats, VideoCodec codec, int payloadType)
    {
        var result = AnswerOk(Head + Audio + $"m=video 7000 RTP/AVP {order}\r\n" + formats);
        Assert.Equal((codec, (byte)payloadType), (result.Video!.Codec, result.Video.PayloadType));
        Assert.Equal([payloadType.ToString(System.Globalization.CultureInfo.InvariantCulture)], result.LocalDescription!.Media[1].Formats);
    }

    [Theory]
    [InlineData("m=video 7000 RTP/AVP 96\r\na=rtpmap:96 H265/90000\r\n")] // no common codec
    [InlineData("m=video 7000 RTP/SAVP 96\r\na=rtpmap:96 VP8/90000\r\n")] // SAVP without a key
    [InlineData("m=video 7000 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n")] // DTLS (WebRTC) is not this path
    public void AVideoStreamWeCannotTakeIsRejectedAndTheCallGoesOn(string video)
    {
        var result = AnswerOk(Head + Audio + video);

        Assert.Null(result.Video);
        Assert.Equal(("video", 0), (result.LocalDescription!.Media[1].Media, result.LocalDescription.Media[1].Port));
        Assert.Equal(20000, result.LocalDescription.Media[0].Port);
    }

    [Fact]
    public void SrtpVideoGetsItsOwnKeysAndPlainVideoBesideSrtpAudioIsRefused()
    {
        static string Key() => Convert.ToBase64String(SdesCrypto.NewKeyMaterial());
        var audio = $"m=audio 6000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{Key()}\r\n";
        var videoKey = Key();
        var secure = AnswerOk(Head + audio + $"m=video 7000 RTP/SAVP 96\r\na=rtpmap:96 VP8/90000\r\na=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:{videoKey}\r\n");

        var keys = secure.Video!.Srtp!;
        Assert.Equal(SrtpSuite.AesCm128HmacSha1_32, keys.Suite);
        Assert.Equal(Convert.FromBase64String(videoKey), keys.RemoteKeyMaterial);
        Assert.NotEqual(secure.Audio!.Srtp!.LocalKeyMaterial, keys.LocalKeyMaterial);
        Assert.Contains("crypto:3 AES_CM_128_HMAC_SHA1_32 inline:", secure.LocalDescription!.Media[1].Find("crypto").Single().ToString(), StringComparison.Ordinal);

        var mixed = AnswerOk(Head + audio + "m=video 7000 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n");
        Assert.Null(mixed.Video);
        Assert.Equal(0, mixed.LocalDescription!.Media[1].Port);

        var policy = AnswerOk(Head + Audio.Replace("RTP/AVP", "RTP/SAVP", StringComparison.Ordinal) + $"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{Key()}\r\n"
            + "m=video 7000 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n", s_local with { SrtpRequired = true });
        Assert.Null(policy.Video);
    }

    [Fact]
    public void DirectionsAreMirroredAndHoldIsRespected()
    {
        var sendonly = AnswerOk(Head + Audio + "m=video 7000 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\na=sendonly\r\n");
        Assert.Equal(MediaDirection.RecvOnly, sendonly.Video!.Direction);
        Assert.Contains("recvonly", sendonly.LocalDescription!.Media[1].Attributes.Select(a => a.ToString()));

        var held = AnswerOk(Head + Audio + "m=video 7000 RTP/AVP 96\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:96 VP8/90000\r\n");
        Assert.False(held.Video!.Direction.Sends());
        Assert.Null(held.Video.RemoteRtp);
    }

    [Fact]
    public void WithoutAVideoPortTheAnswerIsExactlyTheAudioOnlyOne()
    {
        var offer = Head + Audio + SoftphoneVideo;
        var withVideo = AnswerOk(offer).LocalDescription!;
        var without = AnswerOk(offer, s_local with { Video = null });

        Assert.Null(without.Video);
        Assert.Equal(0, without.LocalDescription!.Media[1].Port);
        Assert.Equal(Text(withVideo.Media[0]), Text(without.LocalDescription.Media[0]));
    }

    private static string Text(MediaDescription media)
    {
        var builder = new System.Text.StringBuilder();
        media.Write(builder);
        return builder.ToString();
    }

    [Fact]
    public void OurOfferHasVideoAndOurAnswererCompletesIt()
    {
        var local = s_local with { SrtpRequired = true };
        var offer = SdpOfferer.CreateOffer(local);
        Assert.Equal(["audio", "video"], offer.Description.Media.Select(m => m.Media));
        var video = offer.Description.Media[1];
        Assert.Equal(("RTP/SAVP", 20002), (video.Protocol, video.Port));
        Assert.Equal(["96", "97"], video.Formats);
        var text = offer.ToString();
        Assert.Contains("a=fmtp:96 profile-level-id=42e01f;packetization-mode=1\r\n", text, StringComparison.Ordinal);
        Assert.Contains("a=rtcp-fb:* nack\r\na=rtcp-fb:* nack pli\r\na=rtcp-fb:* ccm fir\r\n", text, StringComparison.Ordinal);
        Assert.Single(video.Find("crypto"));

        // A VP8-only peer.
        var peer = new LocalAudioEndpoint("10.0.0.9", 30000, SrtpRequired: true, 1, 1) { Video = new LocalVideoEndpoint(30002) { Codecs = [VideoCodec.Vp8] } };
        var answer = SdpAnswerer.Answer(text, peer);
        Assert.True(answer.Ok, answer.Error);
        var completed = SdpOfferer.Complete(offer, answer.LocalDescription!.ToString());

        Assert.True(completed.Ok, completed.Error);
        var negotiated = completed.Video!;
        Assert.Equal((VideoCodec.Vp8, (byte)97, 30002), (negotiated.Codec, negotiated.PayloadType, negotiated.RemoteRtp!.Port));
        Assert.Equal(answer.Video!.Srtp!.LocalKeyMaterial, negotiated.Srtp!.RemoteKeyMaterial);
        Assert.Equal(answer.Video.Srtp.RemoteKeyMaterial, negotiated.Srtp.LocalKeyMaterial);
        Assert.Equal(VideoFeedbackTypes.Nack | VideoFeedbackTypes.Pli | VideoFeedbackTypes.Fir, negotiated.Feedback);
        Assert.Equal(1024, negotiated.RemoteBandwidthKbps);
    }

    [Fact]
    public void OurPlainOfferLeavesADialOutInviteUnder1300Bytes()
    {
        // RFC 3261 §18.1.1: a request over 1300 bytes must go over TCP, which many phones do not listen on.
        // The focus's INVITE headers take about 600 bytes.
        var offer = SdpOfferer.CreateOffer(s_local with { SessionId = 2147483647, SessionVersion = 9 }).ToString();
        Assert.True(offer.Length <= 700, $"the offer is {offer.Length} bytes:\r\n{offer}");
    }

    [Fact]
    public void OurOfferAsksForAudioLevelsAndTakesTheAnswerersNumbering()
    {
        var offer = SdpOfferer.CreateOffer(s_local);
        Assert.Contains("a=extmap:1/recvonly urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n", offer.ToString(), StringComparison.Ordinal);

        var levels = SdpOfferer.Complete(offer, Head + Audio + "a=extmap:3/sendonly urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n");
        var none = SdpOfferer.Complete(offer, Head + Audio);

        Assert.True(levels.Ok, levels.Error);
        Assert.Equal((byte)3, levels.Audio!.AudioLevelId);
        Assert.Null(none.Audio!.AudioLevelId);
    }

    [Fact]
    public void AnAnswerKeepsTheModeWeOfferedForOurH264PayloadType()
    {
        var offer = SdpOfferer.CreateOffer(s_local);
        var answer = Head + Audio + "m=video 7000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 profile-level-id=42e01f\r\n";

        var completed = SdpOfferer.Complete(offer, answer);

        Assert.True(completed.Ok, completed.Error);
        Assert.Equal(1, completed.Video!.Parameters.PacketizationMode);
        Assert.Equal(VideoFeedbackTypes.None, completed.Video.Feedback);
    }

    [Fact]
    public void ARejectedOrMissingVideoLineLeavesAnAudioCall()
    {
        var offer = SdpOfferer.CreateOffer(s_local);
        var rejected = SdpOfferer.Complete(offer, Head + Audio + "m=video 0 RTP/AVP 96\r\n");
        var missing = SdpOfferer.Complete(offer, Head + Audio);
        var tooMany = SdpOfferer.Complete(offer, Head + Audio + "m=video 0 RTP/AVP 96\r\nm=text 0 RTP/AVP 98\r\n");

        Assert.True(rejected.Ok && rejected.Video is null, rejected.Error);
        Assert.True(missing.Ok && missing.Video is null, missing.Error);
        Assert.False(tooMany.Ok);
    }
}
