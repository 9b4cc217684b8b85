using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.Media.Sdp;
using Sparkle.MediaWorker;
using Sparkle.MediaWorker.Engine;
using Sparkle.Video.Codecs;
using Sparkle.Video.Compositing;
using Sparkle.Video.Layouts;

namespace Sparkle.Media.Tests.Worker;

/// <summary>Video through the worker's engine, end to end, with real UDP sockets and its real threads:
/// ffmpeg (an independent RTP/H.264 implementation) sends its colour bars as a joined leg; other legs
/// receive the shared composite, which these tests depacketize and decode and look at: the camera's tile
/// shows the bars, the others show the "video off" fill; layouts, video off/forbid and key frame requests
/// act on it. No grains: the tests drive the engine as the meeting grain would.</summary>
public sealed class VideoEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);
    private static readonly YuvColor s_videoOff = CompositorOptions.Default.VideoOffFill;
    private static int s_portBase = 45000;
    private readonly Events _events = new();
    private readonly Guid _meeting = Guid.NewGuid();
    private MediaEngine _engine = null!;

    public Task InitializeAsync()
    {
        Assert.True(CodecLibraries.FindMissing() is null, $"Codec libraries are required: {CodecLibraries.FindMissing()}");
        _engine = CreateEngine(video: true);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private MediaEngine CreateEngine(bool video)
    {
        var first = Interlocked.Add(ref s_portBase, 200);
        return new MediaEngine(Options.Create(new MediaWorkerOptions
        {
            WorkerId = "video-test-worker",
            RtpPortMin = first,
            RtpPortMax = first + 199,
            CapacityLegs = 8,
            Video = new VideoWorkerOptions { Enabled = video },
        }), _events, NullLogger<MediaEngine>.Instance);
    }

    private async Task<LegAllocation> JoinAsync(string id, string offer)
    {
        var allocation = await _engine.AllocateLegAsync(new LegRequest(_meeting, id, offer, SrtpRequired: false, id[..1].ToUpperInvariant() + id[1..]));
        Assert.True(allocation.Ok, allocation.Error);
        return allocation;
    }

    private async Task<VideoPhone> JoinViewerAsync(string id, VideoCodec codec, bool srtp = false, int? bandwidthKbps = null)
    {
        var viewer = new VideoPhone(codec, srtp, bandwidthKbps);
        var allocation = await JoinAsync(id, viewer.Offer());
        Assert.NotNull(allocation.VideoSsrc);
        viewer.Connect(allocation.LocalSdp!);
        return viewer;
    }

    private async Task<FfmpegCamera> JoinCameraAsync(string id = "camera", bool srtp = false)
    {
        var camera = new FfmpegCamera(srtp);
        var allocation = await JoinAsync(id, camera.Offer());
        camera.Start(allocation.LocalSdp!);
        return camera;
    }

    /// <summary>The test source's colour bars (magenta, blue, yellow, green at 100..220 of its 320 pixels,
    /// static from the top to two thirds down) where the tile shows it.</summary>
    private static bool ShowsColourBars(I420Frame picture, TileRect tile, out string seen)
    {
        (int X, YuvColor Colour)[] bars =
        [
            (100, YuvColor.FromRgb(255, 0, 255)), (140, YuvColor.FromRgb(0, 0, 255)),
            (180, YuvColor.FromRgb(255, 255, 0)), (220, YuvColor.FromRgb(0, 255, 0)),
        ];
        var all = true;
        var found = new List<string>();
        foreach (var (x, colour) in bars)
        {
            var pixel = picture.GetPixel(tile.X + (tile.Width * x / FfmpegCamera.Width), tile.Y + (tile.Height * 60 / FfmpegCamera.Height));
            found.Add(pixel.ToString());
            all &= pixel.IsClose(colour, 32);
        }
        seen = string.Join(", ", found);
        return all;
    }

    private static bool ShowsVideoOff(I420Frame picture, TileRect tile) =>
        picture.GetPixel(tile.X + (tile.Width / 4), tile.Y + (tile.Height / 4)).IsClose(s_videoOff, 10);

    private static TileRect Tile(string layout, int slot, int width, int height) =>
        TileRect.FromLayout(LayoutCatalogue.Get(layout).Tiles[slot], width, height);

    private static async Task<I420Frame> ExpectAsync(VideoPhone viewer, Func<I420Frame, bool> check, string what, FfmpegCamera? camera = null)
    {
        var (passed, picture) = await viewer.WaitForPictureAsync(check, s_wait);
        Assert.True(passed, $"{what}: not seen within {s_wait.TotalSeconds} s ({viewer.FramesDecoded} frames decoded, " +
            $"last {picture?.Width}x{picture?.Height}){(camera is null ? "" : $"; ffmpeg: {camera.Errors}")}");
        return picture!;
    }

    [Fact]
    public async Task FfmpegCameraAppearsInTheSharedCompositeAndFollowsTheMeetingsControls()
    {
        using var viewer = await JoinViewerAsync("viewer", VideoCodec.H264);
        Assert.Contains("a=rtcp-fb:100 nack pli", viewer.Answer, StringComparison.Ordinal);
        Assert.Contains("a=rtcp-fb:100 ccm fir", viewer.Answer, StringComparison.Ordinal);
        Assert.Contains("b=AS:", viewer.Answer, StringComparison.Ordinal);
        using var camera = await JoinCameraAsync();
        await _engine.SetLayoutAsync(_meeting, new VideoLayoutControl("side-by-side", Automatic: false, ["camera", "viewer"]));

        // The camera's pictures, decoded by the worker, composed and encoded once, reach the viewer.
        var cameraTile = Tile("side-by-side", 0, 1280, 720);
        var composite = await ExpectAsync(viewer, p => p.Width == 1280 && ShowsColourBars(p, cameraTile, out _), "the camera's colour bars in 720p H.264", camera);
        Assert.True(ShowsVideoOff(composite, Tile("side-by-side", 1, 1280, 720)), "the viewer, who sends no video, is a name tile");
        Assert.Contains(_events.All, e => e.Kind == MediaEventKind.SsrcLearned && e.ParticipantId == "camera" && e.Detail!.StartsWith("video:", StringComparison.Ordinal));

        // A VP8 receiver on a 500 kbit/s link gets the small stream, from the same composite.
        using var small = await JoinViewerAsync("small", VideoCodec.Vp8, bandwidthKbps: 500);
        await ExpectAsync(small, p => p.Width == 640 && p.Height == 360 && ShowsColourBars(p, Tile("side-by-side", 0, 640, 360), out _), "the bars in the 360p VP8 stream");

        // The chair's layout applies from the next frame: the camera fills the picture.
        await _engine.SetLayoutAsync(_meeting, new VideoLayoutControl("pip", Automatic: false, ["camera", "small"]));
        var fullCanvas = new TileRect(0, 0, 1280, 720);
        await ExpectAsync(viewer, p => ShowsColourBars(p, fullCanvas, out _), "the camera full screen (pip)");

        // A receiver's PLI/FIR is answered with a key frame of the shared encode (periodic ones are 10 s apart).
        var keyFrames = viewer.KeyFrames;
        viewer.SendKeyFrameRequest();
        for (var i = 0; i < 40 && viewer.KeyFrames == keyFrames; i++)
        {
            await Task.Delay(50);
        }
        Assert.True(viewer.KeyFrames > keyFrames, "no key frame within 2 s of PLI/FIR");

        // Video off, forbidden, and back.
        await _engine.ControlLegAsync(_meeting, "camera", new LegControl(false, true, VideoOn: false, VideoAllowed: true));
        await ExpectAsync(viewer, p => ShowsVideoOff(p, fullCanvas), "the camera's video off");
        await _engine.ControlLegAsync(_meeting, "camera", new LegControl(false, true, VideoOn: true, VideoAllowed: false));
        await Task.Delay(500);
        using (var forbidden = viewer.Snapshot()!)
        {
            Assert.True(ShowsVideoOff(forbidden, fullCanvas), "forbidden video shows the name tile");
        }
        await _engine.ControlLegAsync(_meeting, "camera", new LegControl(false, true, VideoOn: true, VideoAllowed: true));
        await ExpectAsync(viewer, p => ShowsColourBars(p, fullCanvas, out _), "the camera back after video on", camera);
    }

    [Fact]
    public async Task SrtpCameraAndSrtpViewer()
    {
        using var viewer = await JoinViewerAsync("viewer", VideoCodec.H264, srtp: true);
        Assert.Contains("m=video ", viewer.Answer, StringComparison.Ordinal);
        Assert.Equal(2, viewer.Answer!.Split("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:").Length - 1); // audio and video, each its own key
        using var camera = await JoinCameraAsync(srtp: true);
        await _engine.SetLayoutAsync(_meeting, new VideoLayoutControl("grid-1x1", Automatic: false, ["camera"]));

        await ExpectAsync(viewer, p => ShowsColourBars(p, new TileRect(0, 0, 1280, 720), out _), "the SRTP camera's bars over SRTP", camera);
        Assert.Equal(0, viewer.AuthenticationFailures);
    }

    [Fact]
    public async Task AutomaticModeGivesTheFloorToTheActiveSpeaker()
    {
        using var viewer = await JoinViewerAsync("viewer", VideoCodec.H264);
        using var camera = await JoinCameraAsync();
        using var talker = new FakePhone(440);
        var talking = await JoinAsync("talker", talker.Offer());
        talker.Connect(talking.LocalSdp!);
        // one-plus-5: slot 0 is the large floor slot; in join order the viewer gets it, the camera slot 1.
        await _engine.SetLayoutAsync(_meeting, new VideoLayoutControl("one-plus-5", Automatic: true, []));
        var floor = Tile("one-plus-5", 0, 1280, 720);
        var second = Tile("one-plus-5", 1, 1280, 720);
        var third = Tile("one-plus-5", 2, 1280, 720);
        await ExpectAsync(viewer, p => ShowsVideoOff(p, floor) && ShowsColourBars(p, second, out _), "the viewer on the floor, the camera next", camera);

        // The talker's tone makes it the audio mixer's loudest speaker: it takes the floor slot and
        // everyone else moves one slot on.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        var speaking = Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                talker.SendFrame();
                await timer.WaitForNextTickAsync();
            }
        });
        await ExpectAsync(viewer, p => ShowsVideoOff(p, floor) && ShowsVideoOff(p, second) && ShowsColourBars(p, third, out _),
            "the talker on the floor, the viewer and the camera moved on", camera);
        await speaking;
        Assert.Contains(_events.All, e => e.Kind == MediaEventKind.ActiveSpeakers && e.Detail == "talker");
    }

    [Fact]
    public async Task AReInviteAddsVideoToAnAudioOnlyLeg()
    {
        using var viewer = new VideoPhone(VideoCodec.H264);
        var full = viewer.Offer();
        var audioOnly = full[..full.IndexOf("m=video", StringComparison.Ordinal)];
        var first = await JoinAsync("viewer", audioOnly);
        Assert.DoesNotContain("m=video", first.LocalSdp, StringComparison.Ordinal);
        Assert.Null(first.VideoSsrc);
        using var camera = await JoinCameraAsync();

        var renegotiated = await _engine.RenegotiateLegAsync(_meeting, "viewer", full);

        Assert.True(renegotiated.Ok, renegotiated.Error);
        Assert.NotNull(renegotiated.VideoSsrc);
        viewer.Connect(renegotiated.LocalSdp!);
        await _engine.SetLayoutAsync(_meeting, new VideoLayoutControl("grid-1x1", Automatic: false, ["camera"]));
        await ExpectAsync(viewer, p => ShowsColourBars(p, new TileRect(0, 0, 1280, 720), out _), "the camera after the re-INVITE", camera);
    }

    [Fact]
    public async Task AudioOnlyOffersAreAnsweredAsWithoutVideo()
    {
        using var phone = new FakePhone(0);
        var allocation = await JoinAsync("phone", phone.Offer());
        var withoutVideo = SdpAnswerer.Answer(phone.Offer(), new LocalAudioEndpoint("127.0.0.1", 1, false, 1, 1)).LocalDescription!;

        Assert.True(SessionDescription.TryParse(allocation.LocalSdp, out var answer, out _));
        var media = Assert.Single(answer.Media);
        Assert.Equal("audio", media.Media);
        Assert.Equal(withoutVideo.Media[0].Attributes, media.Attributes);
        Assert.Null(allocation.VideoSsrc);
    }

    [Fact]
    public async Task OurOfferCarriesVideoAndAnAudioOnlyAnswerStillCompletes()
    {
        var allocation = await _engine.AllocateLegAsync(new LegRequest(_meeting, "dialled", null, SrtpRequired: true, "Dialled"));
        Assert.True(allocation.Ok, allocation.Error);
        Assert.True(SessionDescription.TryParse(allocation.LocalSdp, out var offer, out _));
        Assert.Equal(["audio", "video"], offer.Media.Select(m => m.Media));
        Assert.Contains("a=rtpmap:96 H264/90000", allocation.LocalSdp, StringComparison.Ordinal);
        Assert.Contains("a=rtpmap:97 VP8/90000", allocation.LocalSdp, StringComparison.Ordinal);

        // A phone without video answers with its audio line only (as sipp's canned answer does).
        var peer = new LocalAudioEndpoint("127.0.0.1", 40000, true, 1, 1);
        var answer = SdpAnswerer.Answer(allocation.LocalSdp!, peer);
        Assert.True(answer.Ok, answer.Error);
        Assert.Equal(0, answer.LocalDescription!.Media[1].Port);
        answer.LocalDescription.Media.RemoveAt(1);

        var completed = await _engine.CompleteLegAsync(_meeting, "dialled", answer.LocalDescription.ToString());
        Assert.True(completed.Ok, completed.Error);
        Assert.Null(completed.VideoSsrc);
    }

    [Fact]
    public async Task ADialledOutPhoneThatAcceptsOurVideoReceivesTheComposite()
    {
        var allocation = await _engine.AllocateLegAsync(new LegRequest(_meeting, "dialled", null, SrtpRequired: false, "Dialled"));
        Assert.True(allocation.Ok, allocation.Error);
        using var phone = new VideoPhone(VideoCodec.H264, payloadType: 96);
        // The phone answers our offer as any RFC 3264 answerer would: here, our own.
        var answer = SdpAnswerer.Answer(allocation.LocalSdp!, new LocalAudioEndpoint("127.0.0.1", phone.AudioPort, false, 7, 1)
        {
            Video = new LocalVideoEndpoint(phone.VideoPort) { Codecs = [VideoCodec.H264] },
        });
        Assert.True(answer.Ok, answer.Error);

        var completed = await _engine.CompleteLegAsync(_meeting, "dialled", answer.LocalDescription!.ToString());

        Assert.True(completed.Ok, completed.Error);
        Assert.NotNull(completed.VideoSsrc);
        phone.Connect(allocation.LocalSdp!);
        // Its answer asks for at most 1024 kbit/s (b=AS), below the 720p stream's 1200: it gets the 360p one.
        await ExpectAsync(phone, p => p.Width == 640 && ShowsVideoOff(p, new TileRect(0, 0, 640, 360)), "the composite (its own name tile) at the dialled phone");
    }

    [Fact]
    public async Task AWorkerWithoutVideoRejectsTheVideoStream()
    {
        await using var engine = CreateEngine(video: false);
        using var viewer = new VideoPhone(VideoCodec.H264);
        var allocation = await engine.AllocateLegAsync(new LegRequest(_meeting, "viewer", viewer.Offer(), false, null));
        Assert.True(allocation.Ok, allocation.Error);
        Assert.Contains("m=video 0 RTP/AVP 100", allocation.LocalSdp, StringComparison.Ordinal);
        Assert.Null(allocation.VideoSsrc);
    }

    private sealed class Events : IMediaEventSink
    {
        private readonly ConcurrentQueue<MediaEvent> _all = new();

        public IReadOnlyList<MediaEvent> All => [.. _all];

        public void Publish(MediaEvent mediaEvent) => _all.Enqueue(mediaEvent);
    }
}
