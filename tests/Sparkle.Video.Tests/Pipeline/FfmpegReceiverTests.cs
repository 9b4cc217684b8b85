using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sparkle.Video.Codecs;
using Sparkle.Video.Compositing;
using Sparkle.Video.Layouts;
using Sparkle.Video.Pipeline;
using Sparkle.Video.Rtp;
using static Sparkle.Video.Tests.Compositing.TestFrames;

namespace Sparkle.Video.Tests.Pipeline;

/// <summary>
/// The other direction of interop: ffmpeg (its own RFC 6184 / RFC 7741 depacketizers, described by
/// an SDP file) receives our composite over UDP and decodes it; we check the colours it saw.
/// </summary>
public class FfmpegReceiverTests
{
    private sealed class UdpRtpSink(UdpClient socket, IPEndPoint target) : IRtpPayloadSink
    {
        private readonly byte[] _packet = new byte[1500];
        private ushort _sequence = 1000;

        public uint Timestamp { get; set; }

        public void OnPayload(ReadOnlySpan<byte> payload, bool marker)
        {
            _packet[0] = 0x80;
            _packet[1] = (byte)((marker ? 0x80 : 0) | 96);
            BinaryPrimitives.WriteUInt16BigEndian(_packet.AsSpan(2), _sequence++);
            BinaryPrimitives.WriteUInt32BigEndian(_packet.AsSpan(4), Timestamp);
            BinaryPrimitives.WriteUInt32BigEndian(_packet.AsSpan(8), 0x5EED);
            payload.CopyTo(_packet.AsSpan(12));
            socket.Send(_packet, 12 + payload.Length, target);
        }
    }

    public FfmpegReceiverTests() => Assert.True(CodecLibraries.FindMissing() is null, $"Codec libraries are required: {CodecLibraries.FindMissing()}");

    [Theory]
    [InlineData(VideoCodec.H264, "H264/90000", "a=fmtp:96 packetization-mode=1")]
    [InlineData(VideoCodec.Vp8, "VP8/90000", "")]
    public async Task FfmpegDecodesTheCompositeWeSend(VideoCodec codec, string rtpmap, string fmtp)
    {
        YuvColor[] colours = [Red, Green, Blue, Yellow];
        using var mixer = new VideoMixer(compositorOptions: new CompositorOptions { ShowNames = false });
        mixer.SetLayout(LayoutCatalogue.Get("grid-2x2"));
        for (var i = 0; i < 4; i++)
        {
            mixer.AddParticipant($"p{i}", $"P{i}");
            using var picture = Solid(colours[i]);
            mixer.PushFrame($"p{i}", picture.AsView());
        }

        var output = mixer.GetOrAddOutput(640, 360);
        mixer.Render(TimeSpan.Zero);
        // A small payload size makes the key frame travel as FU-A fragments (or several VP8 packets).
        using var encoder = new OutputEncoder(output, codec, maxPayloadSize: 400);

        var port = FreeUdpPort();
        var sdp = Path.Combine(Path.GetTempPath(), $"sparkle-{Guid.NewGuid():N}.sdp");
        await File.WriteAllTextAsync(sdp, $"v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=sparkle\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video {port} RTP/AVP 96\r\na=rtpmap:96 {rtpmap}\r\n{fmtp}\r\n");
        try
        {
            using var ffmpeg = StartFfmpeg($"-v error -protocol_whitelist file,udp,rtp -i \"{sdp}\" -frames:v 1 -f rawvideo -pix_fmt yuv420p -");
            var stdout = new MemoryStream();
            var reading = ffmpeg.StandardOutput.BaseStream.CopyToAsync(stdout);
            var stderr = ffmpeg.StandardError.ReadToEndAsync();
            await WaitUntilBound(port, ffmpeg);

            using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var sink = new UdpRtpSink(socket, new IPEndPoint(IPAddress.Loopback, port));
            // A live stream: keep sending (key frame every 10) until ffmpeg has its picture.
            for (var frame = 0; frame < 600 && !ffmpeg.HasExited; frame++)
            {
                if (frame % 10 == 0)
                {
                    encoder.RequestKeyFrame();
                }

                sink.Timestamp = (uint)(frame * 6000);
                Assert.True(encoder.EncodeAndPacketize(sink, out _));
                await Task.Delay(5);
            }

            Assert.True(ffmpeg.WaitForExit(30_000), "ffmpeg did not finish");
            await reading;
            Assert.True(ffmpeg.ExitCode == 0, $"ffmpeg failed: {await stderr}");
            var yuv = stdout.ToArray();
            Assert.Equal(640 * 360 * 3 / 2, yuv.Length);
            using var seen = new I420Frame(640, 360);
            yuv.AsSpan(0, 640 * 360).CopyTo(seen.Y);
            yuv.AsSpan(640 * 360, 320 * 180).CopyTo(seen.U);
            yuv.AsSpan((640 * 360) + (320 * 180), 320 * 180).CopyTo(seen.V);
            for (var i = 0; i < 4; i++)
            {
                var rect = output.Compositor.TileRects[i];
                AssertColour(colours[i], seen.GetPixel(rect.CentreX, rect.CentreY), 12, $"{codec} tile {i} as ffmpeg decoded it");
            }
        }
        finally
        {
            File.Delete(sdp);
        }
    }

    private static Process StartFfmpeg(string arguments)
    {
        try
        {
            return Process.Start(new ProcessStartInfo("ffmpeg", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"ffmpeg is required for this test (apt-get install ffmpeg): {e.Message}");
            throw;
        }
    }

    private static int FreeUdpPort()
    {
        // An even port with a free odd neighbour, as RTP/RTCP pairs want.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            int port;
            using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
            {
                port = ((IPEndPoint)probe.Client.LocalEndPoint!).Port & ~1;
            }

            if (port > 1024 && IsFree(port) && IsFree(port + 1))
            {
                return port;
            }
        }

        throw new InvalidOperationException("No free UDP port pair.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var socket = new UdpClient(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // ffmpeg binds the SDP's port once it is ready; sending earlier would lose the key frame.
    private static async Task WaitUntilBound(int port, Process ffmpeg)
    {
        var guard = Stopwatch.StartNew();
        while (IsFree(port))
        {
            Assert.False(ffmpeg.HasExited, "ffmpeg exited before listening");
            Assert.True(guard.Elapsed < TimeSpan.FromSeconds(30), "ffmpeg never bound its RTP port");
            await Task.Delay(20);
        }
    }
}
