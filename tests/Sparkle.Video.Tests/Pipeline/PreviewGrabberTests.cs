using System.Diagnostics;
using Sparkle.Video.Codecs;
using Sparkle.Video.Compositing;
using Sparkle.Video.Layouts;
using Sparkle.Video.Pipeline;
using static Sparkle.Video.Tests.Compositing.TestFrames;

namespace Sparkle.Video.Tests.Pipeline;

public class PreviewGrabberTests
{
    private static readonly YuvColor[] s_colours = [Red, Green, Blue, Yellow];

    /// <summary>Four senders in a 2x2 grid, composed once at 1280x720 as the conference's tick would.</summary>
    private static (VideoMixer Mixer, CompositeOutput Output) ComposedGrid()
    {
        var mixer = new VideoMixer(TimeSpan.FromSeconds(2), new CompositorOptions { ShowNames = false });
        for (var i = 0; i < s_colours.Length; i++)
        {
            mixer.AddParticipant($"p{i}", $"P{i}");
            using var frame = Solid(s_colours[i]);
            Assert.True(mixer.PushFrame($"p{i}", frame.AsView()));
        }

        mixer.SetLayout(LayoutCatalogue.Get("grid-2x2"));
        var output = mixer.GetOrAddOutput(1280, 720);
        mixer.Render(TimeSpan.Zero);
        return (mixer, output);
    }

    private static bool CopyCanvas(CompositeOutput output, I420Frame destination)
    {
        destination.CopyFrom(output.Canvas.AsView());
        return true;
    }

    [Fact]
    public void ThePreviewIsAJpegOfTheComposite720pWithEachTilesColour()
    {
        var (mixer, output) = ComposedGrid();
        using var _ = mixer;
        using var grabber = new PreviewGrabber(frame => CopyCanvas(output, frame));

        var preview = grabber.Grab();

        Assert.NotNull(preview);
        Assert.Equal((1280, 720), (preview.Width, preview.Height));
        Assert.Equal([0xFF, 0xD8], preview.Jpeg[..2]); // SOI
        var path = Path.Combine(Path.GetTempPath(), $"preview-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(path, preview.Jpeg);
        try
        {
            // ffmpeg decodes the full-range JPEG; asking for limited-range yuv420p undoes our range stretch.
            var decoded = ExternalTools.RunFfmpeg($"-v error -i \"{path}\" -f rawvideo -pix_fmt yuv420p -color_range tv -");
            Assert.Equal(1280 * 720 * 3 / 2, decoded.Length);
            for (var slot = 0; slot < s_colours.Length; slot++)
            {
                var rect = output.Compositor.TileRects[slot];
                var expected = output.Canvas.GetPixel(rect.CentreX, rect.CentreY);
                AssertColour(s_colours[slot], expected);
                AssertColour(expected, PixelOf(decoded, 1280, 720, rect.CentreX, rect.CentreY), tolerance: 6, where: $"slot {slot}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ManyRequestsWithinTheIntervalCostOneEncode()
    {
        var (mixer, output) = ComposedGrid();
        using var _ = mixer;
        var clock = new ManualClock();
        var captures = 0;
        using var grabber = new PreviewGrabber(frame => { captures++; return CopyCanvas(output, frame); }, clock, TimeSpan.FromMilliseconds(500));

        var first = grabber.Grab();
        for (var i = 0; i < 50; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(9)); // 50 viewers over 450 ms
            Assert.Same(first, grabber.Grab());
        }

        Assert.Equal(1, grabber.Encodes);
        Assert.Equal(1, captures);

        clock.Advance(TimeSpan.FromMilliseconds(50)); // 500 ms after the first encode
        var second = grabber.Grab();
        Assert.NotSame(first, second);
        Assert.Equal(2, grabber.Encodes);
        Assert.Equal(clock.GetUtcNow(), second!.TakenAt);
    }

    [Fact]
    public void NoPictureIsNoPreviewAndNoEncode()
    {
        using var grabber = new PreviewGrabber(_ => false, new ManualClock());

        Assert.Null(grabber.Grab());
        Assert.Null(grabber.Grab());
        Assert.Equal(0, grabber.Encodes);
    }

    [Fact]
    public void ConcurrentViewersShareTheEncode()
    {
        var (mixer, output) = ComposedGrid();
        using var _ = mixer;
        using var grabber = new PreviewGrabber(frame => CopyCanvas(output, frame), new ManualClock());

        Parallel.For(0, 32, _ => Assert.NotNull(grabber.Grab()));

        Assert.Equal(1, grabber.Encodes);
    }

    [Fact]
    public void EncodingA720pPreviewTakesFewMilliseconds()
    {
        var (mixer, output) = ComposedGrid();
        using var _ = mixer;
        using var encoder = new JpegEncoder(1280, 720);
        encoder.Encode(output.Canvas.AsView()); // warm up
        const int runs = 20;
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var bytes = 0;
        for (var i = 0; i < runs; i++)
        {
            bytes = encoder.Encode(output.Canvas.AsView()).Length;
        }

        var perEncode = clock.Elapsed.TotalMilliseconds / runs;
        var cpuPerEncode = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / runs;
        // Wall time suffers on a shared machine; the process's CPU time (this test is the only busy thread) does less.
        Console.WriteLine($"720p preview JPEG: {perEncode:F2} ms wall, {cpuPerEncode:F2} ms CPU per encode, {bytes} bytes");
        // Generous for a loaded CI machine; the figure above is what matters.
        Assert.True(perEncode < 200, $"{perEncode:F1} ms per encode");
    }

    private static YuvColor PixelOf(byte[] i420, int width, int height, int x, int y)
    {
        var chroma = width / 2 * (height / 2);
        var u = width * height;
        var v = u + chroma;
        return new YuvColor(i420[(y * width) + x], i420[u + (y / 2 * (width / 2)) + (x / 2)], i420[v + (y / 2 * (width / 2)) + (x / 2)]);
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
