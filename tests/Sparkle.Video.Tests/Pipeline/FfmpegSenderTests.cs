using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sparkle.Video.Codecs;
using Sparkle.Video.Compositing;
using Sparkle.Video.Layouts;
using Sparkle.Video.Pipeline;
using Sparkle.Video.Rtp;
using Sparkle.Video.Tests.Rtp;
using static Sparkle.Video.Tests.Compositing.TestFrames;

namespace Sparkle.Video.Tests.Pipeline;

/// <summary>
/// Interop with an independent RTP implementation: ffmpeg encodes and packetizes (its own
/// RFC 6184 / RFC 7741 code) and sends real UDP; our receive path, mixer and encoder take it from there.
/// </summary>
public class FfmpegSenderTests
{
    private sealed record RtpPacket(ushort Sequence, uint Timestamp, bool Marker, byte[] Payload);

    public FfmpegSenderTests() => Assert.True(CodecLibraries.FindMissing() is null, $"Codec libraries are required: {CodecLibraries.FindMissing()}");

    [Fact]
    public void FfmpegSendersAppearInTheCompositeAnotherParticipantReceives()
    {
        // ffmpeg's colour source is RGB; 4:2:0 conversion with BT.601 limited range, as ours.
        var h264 = CaptureFfmpegRtp("color=c=0xDC1E1E:s=320x180:r=15", "-c:v libx264 -preset ultrafast -tune zerolatency -profile:v baseline -pix_fmt yuv420p");
        var vp8 = CaptureFfmpegRtp("color=c=0x1E28DC:s=320x180:r=15", "-c:v libvpx -deadline realtime -pix_fmt yuv420p");
        Assert.Contains(h264, p => p.Payload.Length > 0 && (p.Payload[0] & 0x1F) == 28); // small pkt_size forces FU-A

        using var mixer = new VideoMixer(compositorOptions: new CompositorOptions { ShowNames = false });
        mixer.SetLayout(LayoutCatalogue.Get("side-by-side"));
        mixer.AddParticipant("phone", "Phone");
        mixer.AddParticipant("browser", "Browser");
        var output = mixer.GetOrAddOutput(640, 360);
        mixer.Render(TimeSpan.Zero);
        using var phone = new VideoInput("phone", VideoCodec.H264, mixer);
        using var browser = new VideoInput("browser", VideoCodec.Vp8, mixer);
        foreach (var p in h264)
        {
            phone.OnRtpPayload(p.Payload, p.Sequence, p.Timestamp, p.Marker);
        }

        foreach (var p in vp8)
        {
            browser.OnRtpPayload(p.Payload, p.Sequence, p.Timestamp, p.Marker);
        }

        Assert.Equal((10L, 0L), (phone.FramesDecoded, phone.FramesLost));
        Assert.Equal((10L, 0L), (browser.FramesDecoded, browser.FramesLost));

        mixer.Render(TimeSpan.FromSeconds(1));
        using var encoder = new OutputEncoder(output, VideoCodec.H264);
        var sink = new CollectingSink();
        Assert.True(encoder.EncodeAndPacketize(sink, out var key));
        Assert.True(key);
        var receiver = new H264Depacketizer();
        ushort sequence = 0;
        Assert.Equal(DepacketizeResult.FrameReady, sink.Feed(receiver, ref sequence, 0));
        using var decoder = new VideoDecoder(VideoCodec.H264);
        Assert.True(decoder.Decode(receiver.Frame, out var seen));
        using var received = new I420Frame(seen.Width, seen.Height);
        received.CopyFrom(seen);

        AssertColour(YuvColor.FromRgb(0xDC, 0x1E, 0x1E), received.GetPixel(output.Compositor.TileRects[0].CentreX, 180), 12, "H.264 sender");
        AssertColour(YuvColor.FromRgb(0x1E, 0x28, 0xDC), received.GetPixel(output.Compositor.TileRects[1].CentreX, 180), 12, "VP8 sender");
    }

    private static List<RtpPacket> CaptureFfmpegRtp(string source, string codecArguments)
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Client.ReceiveBufferSize = 4 * 1024 * 1024;
        var port = ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
        var arguments = $"-v error -f lavfi -i {source} -frames:v 10 {codecArguments} -payload_type 96 -f rtp \"rtp://127.0.0.1:{port}?pkt_size=300\"";
        Process ffmpeg;
        try
        {
            ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"ffmpeg is required for this test (apt-get install ffmpeg): {e.Message}");
            throw;
        }

        using (ffmpeg)
        {
            var stderr = ffmpeg.StandardError.ReadToEndAsync();
            ffmpeg.StandardOutput.ReadToEndAsync();
            Assert.True(ffmpeg.WaitForExit(60_000), "ffmpeg did not finish");
            Assert.True(ffmpeg.ExitCode == 0, $"ffmpeg failed: {stderr.Result}");
        }

        // Everything was sent to a bound socket before ffmpeg exited; drain what is queued.
        var packets = new List<RtpPacket>();
        while (socket.Available > 0)
        {
            IPEndPoint? from = null;
            var datagram = socket.Receive(ref from);
            if (TryParseRtp(datagram, out var packet))
            {
                packets.Add(packet);
            }
        }

        Assert.NotEmpty(packets);
        return packets;
    }

    // Minimal RTP header reading for the test (the worker's Sparkle.Media does this for real).
    private static bool TryParseRtp(byte[] datagram, out RtpPacket packet)
    {
        packet = null!;
        if (datagram.Length < 12 || datagram[0] >> 6 != 2)
        {
            return false;
        }

        var offset = 12 + ((datagram[0] & 0x0F) * 4);
        if ((datagram[0] & 0x10) != 0)
        {
            offset += 4 + (BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(offset + 2)) * 4);
        }

        var end = datagram.Length - ((datagram[0] & 0x20) != 0 ? datagram[^1] : 0);
        packet = new RtpPacket(
            BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(2)),
            BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(4)),
            (datagram[1] & 0x80) != 0,
            datagram[offset..end]);
        return true;
    }
}
