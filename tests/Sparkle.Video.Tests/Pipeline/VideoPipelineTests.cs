using Sparkle.Video.Codecs;
using Sparkle.Video.Compositing;
using Sparkle.Video.Layouts;
using Sparkle.Video.Pipeline;
using Sparkle.Video.Rtp;
using Sparkle.Video.Tests.Rtp;
using static Sparkle.Video.Tests.Compositing.TestFrames;

namespace Sparkle.Video.Tests.Pipeline;

public class VideoPipelineTests
{
    /// <summary>A sender: encodes a solid picture and sends it as RTP payloads.</summary>
    private sealed class Sender(VideoCodec codec, YuvColor colour) : IDisposable
    {
        private readonly VideoEncoder _encoder = new(new VideoEncoderSettings(codec, 320, 180));
        private readonly IVideoPacketizer _packetizer = codec == VideoCodec.H264 ? new H264Packetizer() : new Vp8Packetizer();
        private readonly I420Frame _picture = Solid(colour);
        private ushort _sequence;
        private uint _timestamp;

        public bool SendFrame(VideoInput input, bool key = false)
        {
            Assert.True(_encoder.Encode(_picture.AsView(), key));
            var sink = new CollectingSink();
            _packetizer.Packetize(_encoder.Output, sink);
            var delivered = false;
            foreach (var (payload, marker) in sink.Packets)
            {
                delivered |= input.OnRtpPayload(payload, _sequence++, _timestamp, marker);
            }

            _timestamp += 6000;
            return delivered;
        }

        public void Dispose()
        {
            _encoder.Dispose();
            _picture.Dispose();
        }
    }

    public VideoPipelineTests() => Assert.True(CodecLibraries.FindMissing() is null, $"Codec libraries are required: {CodecLibraries.FindMissing()}");

    [Fact]
    public void InvisibleSendersAreNotDecodedAndNeedAKeyFrameWhenShownAgain()
    {
        using var mixer = new VideoMixer(compositorOptions: new CompositorOptions { ShowNames = false });
        mixer.SetLayout(LayoutCatalogue.Get("grid-1x1"));
        mixer.AddParticipant("a", "A");
        mixer.AddParticipant("b", "B");
        var output = mixer.GetOrAddOutput(640, 360);
        using var inputA = new VideoInput("a", VideoCodec.H264, mixer);
        using var inputB = new VideoInput("b", VideoCodec.Vp8, mixer);
        using var senderA = new Sender(VideoCodec.H264, Red);
        using var senderB = new Sender(VideoCodec.Vp8, Blue);

        Assert.True(senderA.SendFrame(inputA));
        Assert.True(senderB.SendFrame(inputB)); // first picture is always decoded: the "last frame"
        mixer.Render(TimeSpan.Zero);
        Assert.False(mixer.IsVisible("b"));

        Assert.False(senderB.SendFrame(inputB));
        Assert.Equal(1, inputB.FramesSkipped);
        Assert.False(inputB.KeyFrameNeeded); // hidden: no PLI, its pictures are not needed
        Assert.True(senderA.SendFrame(inputA));
        Assert.False(inputA.KeyFrameNeeded);

        mixer.SetLayout(LayoutCatalogue.Get("side-by-side"));
        mixer.Render(TimeSpan.FromSeconds(1));
        Assert.True(mixer.IsVisible("b"));
        Assert.True(inputB.KeyFrameNeeded); // shown again: its references were skipped
        Assert.False(senderB.SendFrame(inputB)); // delta frame: references were skipped
        Assert.True(senderB.SendFrame(inputB, key: true));
        Assert.False(inputB.KeyFrameNeeded);
        Assert.Equal(2, inputB.FramesDecoded);

        mixer.Render(TimeSpan.FromSeconds(2));
        var right = output.Compositor.TileRects[1];
        AssertColour(Blue, output.Canvas.GetPixel(right.CentreX, right.CentreY), 12);
    }

    [Fact]
    public void UndecodableFrameAsksForAKeyFrameAndLaterDeltasWaitForIt()
    {
        using var mixer = new VideoMixer();
        mixer.AddParticipant("b", "B");
        mixer.GetOrAddOutput(320, 180);
        mixer.Render(TimeSpan.Zero); // "b" is visible, so every good frame is decoded
        using var input = new VideoInput("b", VideoCodec.Vp8, mixer);
        using var sender = new Sender(VideoCodec.Vp8, Blue);

        // A VP8 "key frame" whose payload is not VP8 at all: it depacketizes but cannot decode.
        byte[] bogus = [0x90, 0x80, 0x80, 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66];
        Assert.False(input.OnRtpPayload(bogus, 65535, 1, marker: true)); // the sender continues at 0
        Assert.Equal(1, input.DecodeErrors);
        Assert.True(input.KeyFrameNeeded);

        Assert.True(sender.SendFrame(input, key: true));
        Assert.False(input.KeyFrameNeeded);
        Assert.True(sender.SendFrame(input));
    }

    [Fact]
    public void SingleNalModeReceiversGetOnlySingleNalUnitPacketsThatFit()
    {
        using var mixer = new VideoMixer(compositorOptions: new CompositorOptions { ShowNames = false });
        mixer.AddParticipant("a", "A");
        using (var noise = new I420Frame(640, 360))
        {
            new Random(5).NextBytes(noise.Y);
            new Random(6).NextBytes(noise.U);
            new Random(7).NextBytes(noise.V);
            mixer.PushFrame("a", noise.AsView());
        }

        var output = mixer.GetOrAddOutput(640, 360);
        mixer.Render(TimeSpan.Zero);
        using var encoder = new OutputEncoder(output, VideoCodec.H264, bitrateKbps: 2000, maxPayloadSize: 1000, h264PacketizationMode: 0);
        var sink = new CollectingSink();
        Assert.True(encoder.EncodeAndPacketize(sink, out _));

        Assert.True(sink.Packets.Count > 3, "a noisy key frame needs several slices");
        Assert.All(sink.Packets, p =>
        {
            Assert.InRange(p.Payload.Length, 1, 1000);
            Assert.InRange(p.Payload[0] & 0x1F, 1, 23); // no STAP-A or FU-A
        });
        var depacketizer = new H264Depacketizer();
        ushort sequence = 0;
        Assert.Equal(DepacketizeResult.FrameReady, sink.Feed(depacketizer, ref sequence, 0));
        using var decoder = new VideoDecoder(VideoCodec.H264);
        Assert.True(decoder.Decode(depacketizer.Frame, out var picture));
        Assert.Equal(640, picture.Width);
    }

    [Fact]
    public void OutputEncoderSendsAKeyFrameWhenAReceiverAsks()
    {
        using var mixer = new VideoMixer();
        mixer.AddParticipant("a", "A");
        var output = mixer.GetOrAddOutput(320, 180);
        using var encoder = new OutputEncoder(output, VideoCodec.H264);
        var keys = new List<bool>();
        for (var i = 0; i < 5; i++)
        {
            if (i == 3)
            {
                encoder.RequestKeyFrame();
            }

            mixer.Render(TimeSpan.FromSeconds(i));
            var sink = new CollectingSink();
            Assert.True(encoder.EncodeAndPacketize(sink, out var key));
            Assert.True(sink.Packets[^1].Marker);
            keys.Add(key);
        }

        Assert.Equal([true, false, false, true, false], keys);
        Assert.Equal(5, encoder.FramesEncoded);
    }
}
