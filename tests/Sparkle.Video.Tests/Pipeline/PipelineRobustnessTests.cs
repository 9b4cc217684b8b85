using Sparkle.Video.Codecs;
using Sparkle.Video.Compositing;
using Sparkle.Video.Layouts;
using Sparkle.Video.Pipeline;
using Sparkle.Video.Rtp;
using Sparkle.Video.Tests.Rtp;
using static Sparkle.Video.Tests.Compositing.TestFrames;

namespace Sparkle.Video.Tests.Pipeline;

public class PipelineRobustnessTests
{
    private sealed class CountingSink : IRtpPayloadSink
    {
        public long Bytes;

        public void OnPayload(ReadOnlySpan<byte> payload, bool marker) => Bytes += payload.Length;
    }

    public PipelineRobustnessTests() => Assert.True(CodecLibraries.FindMissing() is null, $"Codec libraries are required: {CodecLibraries.FindMissing()}");

    [Theory]
    [InlineData(VideoCodec.H264)]
    [InlineData(VideoCodec.Vp8)]
    public void GarbageThatLooksLikeFramesNeverCrashesTheReceivePath(VideoCodec codec)
    {
        using var mixer = new VideoMixer();
        mixer.AddParticipant("x", "X");
        using var input = new VideoInput("x", codec, mixer);
        var random = new Random((int)codec + 11);
        var payload = new byte[1400];
        for (var i = 0; i < 3000; i++)
        {
            random.NextBytes(payload);
            // Make it pass the depacketizer often: an IDR single NAL / a VP8 key frame start.
            payload[0] = codec == VideoCodec.H264 ? (byte)0x65 : (byte)0x10;
            if (codec == VideoCodec.Vp8)
            {
                payload[1] &= 0xFE;
            }

            input.OnRtpPayload(payload.AsSpan(0, random.Next(1, payload.Length)), (ushort)i, (uint)i * 3000, marker: true);
        }

        mixer.GetOrAddOutput(320, 180);
        mixer.Render(TimeSpan.Zero);
        Assert.True(input.FramesLost + input.FramesDecoded + input.FramesSkipped <= 3000);
    }

    [Fact]
    public void SteadyStateReceiveComposeEncodeAllocatesNothing()
    {
        using var mixer = new VideoMixer();
        mixer.SetLayoutGroup(LayoutGroups.Speaker);
        var output = mixer.GetOrAddOutput(640, 360);
        var low = mixer.GetOrAddOutput(320, 180);
        using var encoder = new OutputEncoder(output, VideoCodec.H264);
        using var lowEncoder = new OutputEncoder(low, VideoCodec.Vp8);
        using var senderEncoder = new VideoEncoder(new VideoEncoderSettings(VideoCodec.H264, 320, 180));
        using var picture = Quadrants();
        var inputs = new List<VideoInput>();
        for (var i = 0; i < 4; i++)
        {
            mixer.AddParticipant($"p{i}", $"P{i}");
            inputs.Add(new VideoInput($"p{i}", VideoCodec.H264, mixer));
        }

        // Pre-encode the senders' frames so only the MCU's work is measured.
        var frames = new List<List<(byte[] Payload, bool Marker)>>();
        var packetizer = new H264Packetizer();
        for (var f = 0; f < 12; f++)
        {
            senderEncoder.Encode(picture.AsView());
            var collect = new CollectingSink();
            packetizer.Packetize(senderEncoder.Output, collect);
            frames.Add(collect.Packets);
        }

        string[] ids = ["p0", "p1", "p2", "p3"];
        var sink = new CountingSink();
        ushort sequence = 0;
        void Run(int from, int to)
        {
            for (var f = from; f < to; f++)
            {
                var start = sequence;
                foreach (var input in inputs)
                {
                    sequence = start;
                    foreach (var (payload, marker) in frames[f])
                    {
                        input.OnRtpPayload(payload, sequence++, (uint)f * 6000, marker);
                    }
                }

                mixer.ReportActiveSpeaker(ids[f % 4], TimeSpan.FromSeconds(f));
                mixer.Render(TimeSpan.FromSeconds(f));
                encoder.EncodeAndPacketize(sink, out _);
                lowEncoder.EncodeAndPacketize(sink, out _);
            }
        }

        Run(0, 4); // warm up: buffers, scaler contexts, encoder state
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(4, 12);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.All(inputs, i => Assert.Equal(12, i.FramesDecoded));
        Assert.True(sink.Bytes > 0);
        foreach (var input in inputs)
        {
            input.Dispose();
        }
    }

    [Theory]
    [InlineData(ScalerKind.Managed)]
    [InlineData(ScalerKind.Swscale)]
    public void SendersChangingResolutionOrSendingOddSizesAreComposed(ScalerKind scaler)
    {
        using var mixer = new VideoMixer(compositorOptions: new CompositorOptions { ShowNames = false, Scaler = scaler });
        mixer.SetLayout(LayoutCatalogue.Get("grid-2x2"));
        mixer.AddParticipant("a", "A");
        var output = mixer.GetOrAddOutput(640, 360);
        foreach (var (width, height, colour) in new[] { (320, 180, Red), (640, 480, Green), (175, 143, Blue), (2, 2, Yellow) })
        {
            using var frame = Solid(colour, width, height);
            mixer.PushFrame("a", frame.AsView());
            mixer.Render(TimeSpan.Zero);
            var rect = output.Compositor.TileRects[0];
            AssertColour(colour, output.Canvas.GetPixel(rect.CentreX, rect.CentreY), 3, $"{width}x{height}");
        }
    }
}
