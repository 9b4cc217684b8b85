using System.Text.Json;
using PuppeteerSharp;
using Sparkle.Media.Sdp;
using Sparkle.Media.WebRtc;
using Sparkle.Video.Codecs;

namespace Sparkle.Media.Tests.WebRtc;

/// <summary>Skipped (reported as skipped, never passed) where Debian's Chromium is not installed.</summary>
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("SPARKLE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public ChromiumTheoryAttribute()
    {
        if (!File.Exists(ExecutablePath))
        {
            Skip = $"no Chromium at {ExecutablePath} (set SPARKLE_CHROMIUM)";
        }
    }
}

/// <summary>The proof that matters: real Chromium (headless, Debian's) makes an offer, we answer it, and its
/// setRemoteDescription takes the answer; the codec it then uses is the one we chose.</summary>
public sealed class ChromiumAcceptsAnswerTests
{
    private const string MakeOffer = """
        async (direction, dataChannel) => {
          const pc = new RTCPeerConnection();
          window.pc = pc;
          pc.addTransceiver('audio', { direction });
          pc.addTransceiver('video', { direction });
          if (dataChannel) pc.createDataChannel('chat');
          await pc.setLocalDescription(await pc.createOffer());
          if (pc.iceGatheringState !== 'complete') {
            await new Promise(resolve => pc.addEventListener('icegatheringstatechange',
              () => { if (pc.iceGatheringState === 'complete') resolve(); }));
          }
          return pc.localDescription.sdp;
        }
        """;

    private const string TakeAnswer = """
        async sdp => {
          const pc = window.pc;
          try {
            await pc.setRemoteDescription({ type: 'answer', sdp });
          } catch (e) {
            return JSON.stringify({ error: String(e) });
          }
          const [audio, video] = pc.getTransceivers();
          const codecs = p => (p.codecs || []).map(c => c.mimeType + (c.sdpFmtpLine ? ' ' + c.sdpFmtpLine : ''));
          const result = {
            signaling: pc.signalingState,
            directions: pc.getTransceivers().map(t => t.currentDirection),
            videoSend: codecs(video.sender.getParameters()),
            audioSend: codecs(audio.sender.getParameters()),
          };
          pc.close();
          return JSON.stringify(result);
        }
        """;

    [ChromiumTheory]
    [InlineData(VideoCodec.H264, "sendrecv", false, "203.0.113.7", null)]
    [InlineData(VideoCodec.Vp8, "sendrecv", false, "203.0.113.7", null)]
    [InlineData(VideoCodec.H264, "recvonly", false, "203.0.113.7", null)]
    [InlineData(VideoCodec.Vp8, "sendrecv", true, "203.0.113.7", 443)]
    [InlineData(VideoCodec.H264, "sendrecv", true, "2001:db8::7", 443)]
    public async Task ChromiumTakesOurAnswerAndUsesTheCodecWeChose(VideoCodec preferred, string direction, bool dataChannel, string address, int? tcpPort)
    {
        var profile = Directory.CreateTempSubdirectory("sparkle-webrtc-chromium-");
        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = ChromiumTheoryAttribute.ExecutablePath,
            Headless = true,
            UserDataDir = profile.FullName,
            Args =
            [
                "--no-sandbox", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
            ],
            ProtocolTimeout = 120_000,
        });
        try
        {
            var page = await browser.NewPageAsync();
            await page.GoToAsync("about:blank");
            var offerSdp = await page.EvaluateFunctionAsync<string>(MakeOffer, direction, dataChannel);

            Assert.True(WebRtcOfferReader.TryRead(offerSdp, out var offer, out var error, out var message), $"{error}: {message}\n{offerSdp}");
            var local = WebRtcFixtures.Local with { PreferredVideoCodec = preferred, Address = address, TcpPort = tcpPort };
            Assert.True(WebRtcAnswerer.TryAnswer(offer!, local, out var answer, out error, out message), $"{error}: {message}");
            Assert.Equal(preferred, answer!.Video!.Codec);

            var json = await page.EvaluateFunctionAsync<string>(TakeAnswer, answer.Sdp);
            using var result = JsonDocument.Parse(json);
            var root = result.RootElement;
            Assert.False(root.TryGetProperty("error", out var failure), $"Chromium refused the answer: {failure}\n{answer.Sdp}");
            Assert.Equal("stable", root.GetProperty("signaling").GetString());

            var ours = answer.Video.Direction;
            var expected = ours == MediaDirection.SendRecv ? "sendrecv" : "recvonly"; // the browser's view of our sendonly
            Assert.Equal([expected, expected], root.GetProperty("directions").EnumerateArray().Select(e => e.GetString()));

            // Chromium's sender parameters list what the answer settled for its sending: exactly our one codec.
            // Its receiver parameters keep listing everything it offered to receive, so they prove nothing; and a
            // recvonly browser has no sending codecs, so there only the acceptance and the directions are checked.
            var videoSend = root.GetProperty("videoSend").EnumerateArray().Select(e => e.GetString()!).ToList();
            var audioSend = root.GetProperty("audioSend").EnumerateArray().Select(e => e.GetString()!).ToList();
            if (ours == MediaDirection.SendRecv)
            {
                var mime = preferred == VideoCodec.H264 ? "video/H264" : "video/VP8";
                Assert.True(videoSend.Count == 1 && videoSend[0].StartsWith(mime, StringComparison.Ordinal), json);
                if (preferred == VideoCodec.H264)
                {
                    Assert.Contains("packetization-mode=1", videoSend[0], StringComparison.Ordinal);
                    Assert.Contains("profile-level-id=42e01f", videoSend[0], StringComparison.Ordinal);
                }
                Assert.Contains(audioSend, c => c.StartsWith("audio/opus", StringComparison.Ordinal));
                Assert.All(audioSend, c => Assert.Matches("^audio/(opus|telephone-event)", c));
            }
            else
            {
                Assert.True(videoSend.Count == 0 && audioSend.Count == 0, json);
            }
        }
        finally
        {
            await browser.CloseAsync();
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still hold a lock file for a moment.
            }
        }
    }
}
