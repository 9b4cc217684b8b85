using Sparkle.Media.Codecs;
using Sparkle.Media.Sdp;
using Sparkle.Media.WebRtc;
using Sparkle.Video.Codecs;

namespace Sparkle.Media.Tests.WebRtc;

/// <summary>Our answers to real Chromium offers (JSEP RFC 8829 §5.3, BUNDLE RFC 8843, RFC 5763, RFC 8839): the
/// same m-lines in order, one transport, ICE-lite and DTLS server, Opus and one video codec.</summary>
public class WebRtcAnswererTests
{
    private static readonly string[] s_transportLines =
    [
        "a=ice-ufrag:spkl", "a=ice-pwd:sparklesparklesparkle24", "a=fingerprint:sha-256 " + WebRtcFixtures.OurFingerprint,
        "a=setup:passive", "a=rtcp-mux", "a=candidate:1 1 udp 2130706431 203.0.113.7 40000 typ host", "a=end-of-candidates",
    ];

    private static List<string> Lines(MediaDescription media)
    {
        var builder = new System.Text.StringBuilder();
        media.Write(builder);
        return [.. builder.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries)];
    }

    [Theory]
    [InlineData(WebRtcFixtures.SendRecv)]
    [InlineData(WebRtcFixtures.AudioOnly)]
    [InlineData(WebRtcFixtures.RecvOnly)]
    [InlineData(WebRtcFixtures.DataChannel)]
    public void EveryRealOfferIsAnsweredWithTheSameMLinesOnOneTransport(string file)
    {
        var offer = WebRtcFixtures.Parse(WebRtcFixtures.Load(file));
        var answer = WebRtcFixtures.Answer(WebRtcFixtures.Load(file));

        var parsed = WebRtcFixtures.Parse(answer.Sdp);
        Assert.Equal(answer.Sdp, parsed.ToString());
        Assert.Contains(parsed.Attributes, a => a.Name == "ice-lite");
        Assert.Equal(offer.Media.Select(m => m.Media), parsed.Media.Select(m => m.Media));
        Assert.Equal(offer.Media.Select(m => m.Find("mid").Single().Value), parsed.Media.Select(m => m.Find("mid").Single().Value));
        var accepted = parsed.Media.Where(m => m.Port != 0).ToList();
        Assert.Equal("BUNDLE " + string.Join(' ', accepted.Select(m => m.Find("mid").Single().Value)), parsed.Attributes.Single(a => a.Name == "group").Value);
        foreach (var media in accepted)
        {
            Assert.Equal((40000, "UDP/TLS/RTP/SAVPF", "IN IP4 203.0.113.7"), (media.Port, media.Protocol, media.Connection));
            var lines = Lines(media);
            foreach (var line in s_transportLines)
            {
                Assert.Contains(line, lines);
            }
            Assert.Single(media.Find("candidate"));
            Assert.DoesNotContain(lines, l => l.Contains("transport-cc", StringComparison.Ordinal) || l.Contains("rtx", StringComparison.Ordinal));
        }
        Assert.NotNull(answer.Audio);
        Assert.Equal(answer.Audio.Direction, parsed.DirectionFor(parsed.Media[0]));
    }

    [Fact]
    public void SendRecvAnswerTakesOpusWithDigitsAndLevelsAndConstrainedBaselineH264()
    {
        var answer = WebRtcFixtures.Answer(WebRtcFixtures.Load(WebRtcFixtures.SendRecv));

        var audio = answer.Audio!;
        Assert.Equal(new NegotiatedAudio(AudioCodec.Opus, 111, 110, MediaDirection.SendRecv, null, null, true, null, 1), audio);
        var video = answer.Video!;
        Assert.Equal((VideoCodec.H264, (byte)108, MediaDirection.SendRecv), (video.Codec, video.PayloadType, video.Direction));
        Assert.Equal("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", video.RemoteFormatParameters);
        Assert.Equal(VideoFeedbackTypes.Nack | VideoFeedbackTypes.Pli | VideoFeedbackTypes.Fir | VideoFeedbackTypes.Remb, video.Feedback);
        Assert.True(video.RtcpMux);
        Assert.Null(video.RemoteRtp);
        Assert.Null(video.RemoteRtcp);
        Assert.Null(video.Srtp);

        var offer = WebRtcFixtures.Parse(WebRtcFixtures.Load(WebRtcFixtures.SendRecv));
        Assert.Equal(SsrcsOf(offer.Media[0]), answer.RemoteAudioSsrcs);
        Assert.Single(answer.RemoteAudioSsrcs);
        // The video m-line has the media SSRC and its rtx (FID) one; we never negotiate rtx.
        Assert.Equal([SsrcsOf(offer.Media[1])[0]], answer.RemoteVideoSsrcs);

        var parsed = WebRtcFixtures.Parse(answer.Sdp);
        var audioLines = Lines(parsed.Media[0]);
        Assert.Equal("m=audio 40000 UDP/TLS/RTP/SAVPF 111 110", audioLines[0]);
        Assert.Contains("a=rtpmap:111 opus/48000/2", audioLines);
        Assert.Contains("a=fmtp:111 minptime=10;useinbandfec=1", audioLines);
        Assert.Contains("a=rtpmap:110 telephone-event/48000", audioLines);
        Assert.Equal(["1 urn:ietf:params:rtp-hdrext:ssrc-audio-level"], parsed.Media[0].Find("extmap").Select(a => a.Value));
        Assert.Contains("a=sendrecv", audioLines);
        Assert.Contains("a=msid:sparkle sparkle-audio", audioLines);
        Assert.Contains("a=ssrc:286331153 cname:sparkle-mcu", audioLines);

        var videoLines = Lines(parsed.Media[1]);
        Assert.Equal("m=video 40000 UDP/TLS/RTP/SAVPF 108", videoLines[0]);
        Assert.Contains("b=AS:1500", videoLines);
        Assert.Contains("a=rtpmap:108 H264/90000", videoLines);
        Assert.Contains("a=fmtp:108 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1", videoLines);
        Assert.Equal(["108 nack", "108 nack pli", "108 ccm fir", "108 goog-remb"], parsed.Media[1].Find("rtcp-fb").Select(a => a.Value));
        Assert.Empty(parsed.Media[1].Find("extmap"));
        Assert.Contains("a=msid:sparkle sparkle-video", videoLines);
        Assert.Contains("a=ssrc:572662306 cname:sparkle-mcu", videoLines);
        Assert.Equal(" WMS sparkle", parsed.Attributes.Single(a => a.Name == "msid-semantic").Value);
        Assert.Contains("a=msid-semantic: WMS sparkle\r\n", answer.Sdp, StringComparison.Ordinal);
    }

    [Fact]
    public void Vp8WhenPreferred()
    {
        var answer = WebRtcFixtures.Answer(WebRtcFixtures.Load(WebRtcFixtures.SendRecv), WebRtcFixtures.Local with { PreferredVideoCodec = VideoCodec.Vp8 });

        Assert.Equal((VideoCodec.Vp8, (byte)96), (answer.Video!.Codec, answer.Video.PayloadType));
        var video = WebRtcFixtures.Parse(answer.Sdp).Media[1];
        Assert.Equal(["96"], video.Formats);
        Assert.Equal(["96 VP8/90000"], video.Find("rtpmap").Select(a => a.Value));
    }

    [Fact]
    public void Vp8WhenTheOfferHasNoH264AndH264WhenItHasNoVp8()
    {
        var sendRecv = WebRtcFixtures.Load(WebRtcFixtures.SendRecv);

        var noH264 = WebRtcFixtures.Answer(WebRtcFixtures.WithoutEncoding(sendRecv, "H264"));
        Assert.Equal((VideoCodec.Vp8, (byte)96), (noH264.Video!.Codec, noH264.Video.PayloadType));

        var noVp8 = WebRtcFixtures.Answer(WebRtcFixtures.WithoutEncoding(sendRecv, "VP8"), WebRtcFixtures.Local with { PreferredVideoCodec = VideoCodec.Vp8 });
        Assert.Equal((VideoCodec.H264, (byte)108), (noVp8.Video!.Codec, noVp8.Video.PayloadType));
    }

    [Fact]
    public void PlainBaselineH264WhenTheOfferHasNoConstrainedBaseline()
    {
        var text = WebRtcFixtures.Load(WebRtcFixtures.SendRecv).Replace("profile-level-id=42e01f", "profile-level-id=640c1f", StringComparison.Ordinal);

        var answer = WebRtcFixtures.Answer(text);

        Assert.Equal((VideoCodec.H264, (byte)102), (answer.Video!.Codec, answer.Video.PayloadType));
        Assert.Contains("a=fmtp:102 profile-level-id=42001f;packetization-mode=1;level-asymmetry-allowed=1\r\n", answer.Sdp, StringComparison.Ordinal);
    }

    [Fact]
    public void ARecvOnlyOfferIsAnsweredSendOnlyWithOurStreams()
    {
        var answer = WebRtcFixtures.Answer(WebRtcFixtures.Load(WebRtcFixtures.RecvOnly));

        Assert.Equal(MediaDirection.SendOnly, answer.Audio!.Direction);
        Assert.Equal(MediaDirection.SendOnly, answer.Video!.Direction);
        Assert.Empty(answer.RemoteAudioSsrcs);
        Assert.Empty(answer.RemoteVideoSsrcs);
        var parsed = WebRtcFixtures.Parse(answer.Sdp);
        Assert.Equal(["sendonly", "sendonly"], parsed.Media.Select(m => m.Direction!.Value.ToAttribute()));
        Assert.Equal(["sparkle sparkle-audio", "sparkle sparkle-video"], parsed.Media.Select(m => m.Find("msid").Single().Value));
        Assert.Equal(["286331153 cname:sparkle-mcu", "572662306 cname:sparkle-mcu"], parsed.Media.Select(m => m.Find("ssrc").Single().Value));
        Assert.Contains(parsed.Attributes, a => a.Name == "msid-semantic");
    }

    [Fact]
    public void ASendOnlyOfferIsAnsweredRecvOnlyWithoutOurStreams()
    {
        var text = WebRtcFixtures.Load(WebRtcFixtures.SendRecv).Replace("a=sendrecv", "a=sendonly", StringComparison.Ordinal);

        var answer = WebRtcFixtures.Answer(text);

        Assert.Equal((MediaDirection.RecvOnly, MediaDirection.RecvOnly), (answer.Audio!.Direction, answer.Video!.Direction));
        Assert.DoesNotContain("a=msid", answer.Sdp, StringComparison.Ordinal);
        Assert.DoesNotContain("a=ssrc", answer.Sdp, StringComparison.Ordinal);
        Assert.Equal(2, Lines(WebRtcFixtures.Parse(answer.Sdp).Media[0]).Count(l => l == "a=recvonly") + Lines(WebRtcFixtures.Parse(answer.Sdp).Media[1]).Count(l => l == "a=recvonly"));
    }

    [Fact]
    public void AnInactiveOfferIsAnsweredInactive()
    {
        var text = WebRtcFixtures.Load(WebRtcFixtures.AudioOnly).Replace("a=sendrecv", "a=inactive", StringComparison.Ordinal);

        var answer = WebRtcFixtures.Answer(text);

        Assert.Equal(MediaDirection.Inactive, answer.Audio!.Direction);
        Assert.Contains("a=inactive\r\n", answer.Sdp, StringComparison.Ordinal);
    }

    [Fact]
    public void AudioOnlyOfferHasNoVideo()
    {
        var answer = WebRtcFixtures.Answer(WebRtcFixtures.Load(WebRtcFixtures.AudioOnly));

        Assert.Null(answer.Video);
        Assert.Empty(answer.RemoteVideoSsrcs);
        Assert.Single(WebRtcFixtures.Parse(answer.Sdp).Media);
        Assert.Contains("a=group:BUNDLE 0\r\n", answer.Sdp, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDataChannelIsRejectedWithPortZeroAndLeftOutOfBundle()
    {
        var answer = WebRtcFixtures.Answer(WebRtcFixtures.Load(WebRtcFixtures.DataChannel));

        var parsed = WebRtcFixtures.Parse(answer.Sdp);
        var application = parsed.Media[2];
        Assert.Equal(("application", 0, "UDP/DTLS/SCTP"), (application.Media, application.Port, application.Protocol));
        Assert.Equal(["webrtc-datachannel"], application.Formats);
        Assert.Equal("2", application.Find("mid").Single().Value);
        Assert.DoesNotContain(application.Attributes, a => a.Name is "candidate" or "ice-ufrag" or "fingerprint" or "setup");
        Assert.Contains("a=group:BUNDLE 0 1\r\n", answer.Sdp, StringComparison.Ordinal);
    }

    [Fact]
    public void VideoDisabledRejectsTheVideoMLine()
    {
        var answer = WebRtcFixtures.Answer(WebRtcFixtures.Load(WebRtcFixtures.SendRecv), WebRtcFixtures.Local with { VideoEnabled = false });

        Assert.Null(answer.Video);
        var video = WebRtcFixtures.Parse(answer.Sdp).Media[1];
        Assert.Equal((0, "1"), (video.Port, video.Find("mid").Single().Value));
        Assert.Contains("a=group:BUNDLE 0\r\n", answer.Sdp, StringComparison.Ordinal);
    }

    [Fact]
    public void AVideoOnlyOfferWithVideoDisabledHasNoSupportedCodec()
    {
        var offer = WebRtcFixtures.Read(WebRtcFixtures.WithoutEncoding(WebRtcFixtures.Load(WebRtcFixtures.SendRecv), "opus"));

        Assert.False(WebRtcAnswerer.TryAnswer(offer, WebRtcFixtures.Local with { VideoEnabled = false }, out var answer, out var error, out var message));

        Assert.Null(answer);
        Assert.Equal(WebRtcOfferError.NoSupportedCodec, error);
        Assert.NotNull(message);
    }

    [Fact]
    public void AnAudioMLineWithoutOpusIsRejectedWhileVideoGoesOn()
    {
        var answer = WebRtcFixtures.Answer(WebRtcFixtures.WithoutEncoding(WebRtcFixtures.Load(WebRtcFixtures.SendRecv), "opus"));

        Assert.Null(answer.Audio);
        Assert.NotNull(answer.Video);
        Assert.Equal(0, WebRtcFixtures.Parse(answer.Sdp).Media[0].Port);
        Assert.Contains("a=group:BUNDLE 1\r\n", answer.Sdp, StringComparison.Ordinal);
    }

    [Fact]
    public void ASecondAudioMLineIsRejected()
    {
        var text = WebRtcFixtures.Load(WebRtcFixtures.AudioOnly);
        var section = text[text.IndexOf("m=audio", StringComparison.Ordinal)..].Replace("a=mid:0", "a=mid:1", StringComparison.Ordinal);
        text = (text + section).Replace("a=group:BUNDLE 0", "a=group:BUNDLE 0 1", StringComparison.Ordinal);

        var answer = WebRtcFixtures.Answer(text);

        var parsed = WebRtcFixtures.Parse(answer.Sdp);
        Assert.Equal([40000, 0], parsed.Media.Select(m => m.Port));
        Assert.Contains("a=group:BUNDLE 0\r\n", answer.Sdp, StringComparison.Ordinal);
    }

    [Fact]
    public void ATcpPortAddsAPassiveIceTcpCandidateBelowUdp()
    {
        var answer = WebRtcFixtures.Answer(WebRtcFixtures.Load(WebRtcFixtures.AudioOnly), WebRtcFixtures.Local with { TcpPort = 443 });

        var candidates = WebRtcFixtures.Parse(answer.Sdp).Media[0].Find("candidate").Select(a => a.Value!.Split(' ')).ToList();
        Assert.Equal(2, candidates.Count);
        Assert.Equal(["2", "1", "tcp"], candidates[1][..3]);
        Assert.Equal(["203.0.113.7", "443", "typ", "host", "tcptype", "passive"], candidates[1][4..]);
        Assert.True(uint.Parse(candidates[1][3], System.Globalization.CultureInfo.InvariantCulture)
            < uint.Parse(candidates[0][3], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void AnIPv6AddressIsAdvertisedAsIP6()
    {
        var answer = WebRtcFixtures.Answer(WebRtcFixtures.Load(WebRtcFixtures.AudioOnly), WebRtcFixtures.Local with { Address = "2001:db8::7" });

        Assert.Contains("c=IN IP6 2001:db8::7\r\n", answer.Sdp, StringComparison.Ordinal);
        Assert.Contains("a=candidate:1 1 udp 2130706431 2001:db8::7 40000 typ host\r\n", answer.Sdp, StringComparison.Ordinal);
        Assert.StartsWith("v=0\r\no=- 4242 1 IN IP6 2001:db8::7\r\n", answer.Sdp, StringComparison.Ordinal);
    }

    private static List<uint> SsrcsOf(MediaDescription media) =>
        [.. media.Find("ssrc").Select(a => uint.Parse(a.Value!.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).Distinct()];
}
