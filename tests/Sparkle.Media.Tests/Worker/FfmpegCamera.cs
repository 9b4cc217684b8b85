using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Sparkle.Media.Sdp;

namespace Sparkle.Media.Tests.Worker;

/// <summary>A real, independent video sender: ffmpeg encodes its test pattern (colour bars) with libx264
/// and sends it as RFC 6184 RTP (mode 1, FU-A), optionally SRTP, from a port announced in the leg's
/// offer. It only sends (a=sendonly) and ignores RTCP, PLI included: its key frames come every second
/// (-g 15). Fails the test loudly when ffmpeg is missing.</summary>
internal sealed class FfmpegCamera : IDisposable
{
    /// <summary>The test source's size; its colour bars are 40 of its 320 pixels wide.</summary>
    public const int Width = 320;
    public const int Height = 180;

    private readonly Socket _audio = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly int _videoPort = FreeEvenPort();
    private readonly byte[] _key = SdesCrypto.NewKeyMaterial();
    private readonly StringBuilder _stderr = new();
    private Process? _ffmpeg;

    public FfmpegCamera(bool srtp = false)
    {
        Srtp = srtp;
        _audio.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public bool Srtp { get; }

    public string Errors
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public string Offer()
    {
        var profile = Srtp ? "RTP/SAVP" : "RTP/AVP";
        var audioKey = Srtp ? $"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{Convert.ToBase64String(SdesCrypto.NewKeyMaterial())}\r\n" : "";
        var videoKey = Srtp ? $"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{Convert.ToBase64String(_key)}\r\n" : "";
        return "v=0\r\no=camera 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
            $"m=audio {((IPEndPoint)_audio.LocalEndPoint!).Port} {profile} 0\r\na=rtpmap:0 PCMU/8000\r\n{audioKey}a=sendrecv\r\n" +
            $"m=video {_videoPort} {profile} 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1\r\n{videoKey}a=sendonly\r\n";
    }

    /// <summary>Starts sending to the video port of the worker's answer.</summary>
    public void Start(string answer)
    {
        Assert.True(SessionDescription.TryParse(answer, out var sdp, out _));
        var video = Assert.Single(sdp.Media, m => m.Media == "video");
        Assert.NotEqual(0, video.Port);
        Assert.Contains("a=recvonly", answer, StringComparison.Ordinal); // we only send
        var scheme = Srtp ? "srtp" : "rtp";
        var srtp = Srtp ? $"-srtp_out_suite AES_CM_128_HMAC_SHA1_80 -srtp_out_params {Convert.ToBase64String(_key)} " : "";
        var arguments = $"-v error -nostdin -re -f lavfi -i testsrc=size={Width}x{Height}:rate=15 -t 120 -an " +
            "-c:v libx264 -preset ultrafast -tune zerolatency -profile:v baseline -pix_fmt yuv420p -g 15 -bf 0 -b:v 400k " +
            $"-payload_type 96 -f rtp {srtp}\"{scheme}://127.0.0.1:{video.Port}?localrtpport={_videoPort}&localrtcpport={_videoPort + 1}&pkt_size=1200\"";
        try
        {
            _ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", arguments)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"ffmpeg is required for this test (apt-get install ffmpeg): {e.Message}");
            throw;
        }
        _ffmpeg.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _ffmpeg.OutputDataReceived += (_, _) => { };
        _ffmpeg.BeginErrorReadLine();
        _ffmpeg.BeginOutputReadLine();
    }

    private static int FreeEvenPort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)probe.LocalEndPoint!).Port & ~1;
            try
            {
                using var rtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                using var rtcp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                probe.Dispose();
                rtp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                rtcp.Bind(new IPEndPoint(IPAddress.Loopback, port + 1));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free port pair");
    }

    public void Dispose()
    {
        if (_ffmpeg is { } ffmpeg)
        {
            try
            {
                if (!ffmpeg.HasExited)
                {
                    ffmpeg.Kill();
                    ffmpeg.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }
            ffmpeg.Dispose();
        }
        _audio.Dispose();
    }
}
