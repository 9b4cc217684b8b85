using Sparkle.Video.Codecs;
using Sparkle.Video.Compositing;
using Sparkle.Video.Layouts;
using Sparkle.Video.Rtp;
using Sparkle.Video.Tests.Rtp;
using static Sparkle.Video.Tests.Compositing.TestFrames;

namespace Sparkle.Video.Tests.Codecs;

public class CodecRoundTripTests
{
    public CodecRoundTripTests()
    {
        var missing = CodecLibraries.FindMissing();
        Assert.True(missing is null, $"Codec libraries are required: {missing}");
    }

    public static TheoryData<VideoCodec> Codecs => [VideoCodec.H264, VideoCodec.Vp8];

    private static IVideoPacketizer PacketizerFor(VideoCodec codec) =>
        codec == VideoCodec.H264 ? new H264Packetizer(1200) : new Vp8Packetizer(1200);

    private static IVideoDepacketizer DepacketizerFor(VideoCodec codec) =>
        codec == VideoCodec.H264 ? new H264Depacketizer() : new Vp8Depacketizer();

    // H.264 start codes may be 3 or 4 bytes long: compare NAL units, not bytes.
    private static List<byte[]> Units(VideoCodec codec, ReadOnlySpan<byte> frame)
    {
        if (codec == VideoCodec.Vp8)
        {
            return [frame.ToArray()];
        }

        var units = new List<byte[]>();
        var reader = new AnnexBReader(frame);
        while (reader.TryNext(out var nal))
        {
            units.Add(nal.ToArray());
        }

        return units;
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void SyntheticFrameSurvivesEncodePacketizeDepacketizeDecode(VideoCodec codec)
    {
        using var encoder = new VideoEncoder(new VideoEncoderSettings(codec, 320, 180) { BitrateKbps = 800 });
        using var decoder = new VideoDecoder(codec);
        using var quadrants = Quadrants();
        var packetizer = PacketizerFor(codec);
        var depacketizer = DepacketizerFor(codec);
        ushort sequence = 1;
        var decoded = 0;
        for (var i = 0; i < 3; i++)
        {
            Assert.True(encoder.Encode(quadrants.AsView()), "the real-time encoder emits one frame per picture");
            Assert.Equal(i == 0, encoder.OutputIsKeyFrame);
            var sink = new CollectingSink();
            packetizer.Packetize(encoder.Output, sink);
            Assert.Equal(DepacketizeResult.FrameReady, sink.Feed(depacketizer, ref sequence, (uint)(i * 6000)));
            Assert.Equal(Units(codec, encoder.Output), Units(codec, depacketizer.Frame));

            Assert.True(decoder.Decode(depacketizer.Frame, out var picture), $"frame {i} decodes without delay");
            Assert.Equal((320, 180), (picture.Width, picture.Height));
            using var copy = new I420Frame(picture.Width, picture.Height);
            copy.CopyFrom(picture);
            AssertColour(Red, copy.GetPixel(80, 45), 12, $"{codec} frame {i} top-left");
            AssertColour(Green, copy.GetPixel(240, 45), 12, $"{codec} frame {i} top-right");
            AssertColour(Blue, copy.GetPixel(80, 135), 12, $"{codec} frame {i} bottom-left");
            AssertColour(Yellow, copy.GetPixel(240, 135), 12, $"{codec} frame {i} bottom-right");
            decoded++;
        }

        Assert.Equal(3, decoded);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void ForcedKeyFrameIsAKeyFrameForTheDepacketizerToo(VideoCodec codec)
    {
        using var encoder = new VideoEncoder(new VideoEncoderSettings(codec, 160, 90));
        using var grey = Solid(Grey, 160, 90);
        var depacketizer = DepacketizerFor(codec);
        var packetizer = PacketizerFor(codec);
        ushort sequence = 0;
        for (var i = 0; i < 6; i++)
        {
            var force = i == 4;
            Assert.True(encoder.Encode(grey.AsView(), force));
            Assert.Equal(i == 0 || force, encoder.OutputIsKeyFrame);
            var sink = new CollectingSink();
            packetizer.Packetize(encoder.Output, sink);
            sink.Feed(depacketizer, ref sequence, (uint)i * 6000);
            Assert.Equal(i == 0 || force, depacketizer.FrameIsKeyFrame);
        }
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void DecoderRefusesGarbageWithoutThrowing(VideoCodec codec)
    {
        using var decoder = new VideoDecoder(codec);
        var random = new Random(3);
        var buffer = new byte[4000];
        for (var i = 0; i < 50; i++)
        {
            random.NextBytes(buffer);
            if (codec == VideoCodec.H264)
            {
                buffer[0] = 0;
                buffer[1] = 0;
                buffer[2] = 0;
                buffer[3] = 1;
            }

            decoder.Decode(buffer.AsSpan(0, random.Next(1, buffer.Length)), out _);
        }

        Assert.False(decoder.Decode([], out _));
    }

    [Fact]
    public void CompositeOfFourSendersReachesAReceiverWithTheRightColours()
    {
        // Four senders encode H.264 (as their phones would); the MCU decodes, composites a 2x2 grid
        // at 640x360 and re-encodes VP8 for a receiver, who decodes it and sees every sender.
        YuvColor[] colours = [Red, Green, Blue, Yellow];
        using var mixer = new VideoMixer(compositorOptions: new CompositorOptions { ShowNames = false });
        mixer.SetLayout(LayoutCatalogue.Get("grid-2x2"));
        for (var i = 0; i < 4; i++)
        {
            mixer.AddParticipant($"p{i}", $"P{i}");
            using var picture = Solid(colours[i]);
            using var senderEncoder = new VideoEncoder(new VideoEncoderSettings(VideoCodec.H264, 320, 180));
            using var mcuDecoder = new VideoDecoder(VideoCodec.H264);
            Assert.True(senderEncoder.Encode(picture.AsView()));
            Assert.True(mcuDecoder.Decode(senderEncoder.Output, out var decoded));
            Assert.True(mixer.PushFrame($"p{i}", decoded));
        }

        var output = mixer.GetOrAddOutput(640, 360);
        mixer.Render(TimeSpan.Zero);
        using var mcuEncoder = new VideoEncoder(new VideoEncoderSettings(VideoCodec.Vp8, 640, 360));
        Assert.True(mcuEncoder.Encode(output.Canvas.AsView(), forceKeyFrame: true));
        var sink = new CollectingSink();
        new Vp8Packetizer().Packetize(mcuEncoder.Output, sink);
        var receiver = new Vp8Depacketizer();
        ushort sequence = 0;
        Assert.Equal(DepacketizeResult.FrameReady, sink.Feed(receiver, ref sequence, 0));
        using var receiverDecoder = new VideoDecoder(VideoCodec.Vp8);
        Assert.True(receiverDecoder.Decode(receiver.Frame, out var seen));
        using var received = new I420Frame(seen.Width, seen.Height);
        received.CopyFrom(seen);
        for (var i = 0; i < 4; i++)
        {
            var rect = output.Compositor.TileRects[i];
            AssertColour(colours[i], received.GetPixel(rect.CentreX, rect.CentreY), 12, $"tile {i}");
        }
    }
}
