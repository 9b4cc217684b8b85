using System.Net;
using System.Net.Sockets;
using Sparkle.Media.Rtp;
using Sparkle.Media.Sdp;
using Sparkle.Media.Srtp;
using Sparkle.Video.Codecs;
using Sparkle.Video.Compositing;
using Sparkle.Video.Rtp;

namespace Sparkle.Media.Tests.Worker;

/// <summary>A video phone on loopback that watches the meeting: it offers audio and video (H.264 mode 1
/// or VP8, rtcp-mux, optionally SDES-SRTP), and depacketizes and decodes the composite the worker sends
/// it with Sparkle.Video's receive path, keeping the latest picture. It sends no pictures of its own, so
/// its tile is a name tile; it can send PLI.</summary>
internal sealed class VideoPhone : IDisposable
{
    private readonly Socket _audio = Bind();
    private readonly Socket _video = Bind();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly byte[] _ourKey = SdesCrypto.NewKeyMaterial();
    private readonly IVideoDepacketizer _depacketizer;
    private readonly VideoDecoder _decoder;
    private SrtpContext? _receive;
    private SrtpContext? _send;
    private IPEndPoint? _worker;
    private I420Frame? _picture;
    private Task _receiving = Task.CompletedTask;
    private byte _firSequence;

    public VideoPhone(VideoCodec codec, bool srtp = false, int? bandwidthKbps = null, int payloadType = 100)
    {
        Codec = codec;
        PayloadType = payloadType;
        Srtp = srtp;
        BandwidthKbps = bandwidthKbps;
        _depacketizer = codec == VideoCodec.H264 ? new H264Depacketizer() : new Vp8Depacketizer();
        _decoder = new VideoDecoder(codec);
    }

    public VideoCodec Codec { get; }
    public int PayloadType { get; }
    public int AudioPort => Port(_audio);
    public int VideoPort => Port(_video);
    public bool Srtp { get; }
    public int? BandwidthKbps { get; }
    public int FramesDecoded { get; private set; }
    public int KeyFrames { get; private set; }
    public int AuthenticationFailures { get; private set; }
    public uint WorkerSsrc { get; private set; }
    public string? Answer { get; private set; }

    public string Offer()
    {
        var profile = Srtp ? "RTP/SAVP" : "RTP/AVP";
        var crypto = Srtp ? $"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{Convert.ToBase64String(_ourKey)}\r\n" : "";
        var format = Codec == VideoCodec.H264
            ? $"a=rtpmap:{PayloadType} H264/90000\r\na=fmtp:{PayloadType} profile-level-id=42e01f;packetization-mode=1\r\n"
            : $"a=rtpmap:{PayloadType} VP8/90000\r\n";
        return "v=0\r\no=viewer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
            $"m=audio {Port(_audio)} {profile} 0\r\na=rtpmap:0 PCMU/8000\r\n{crypto}a=sendrecv\r\n" +
            $"m=video {Port(_video)} {profile} {PayloadType}\r\n" +
            (BandwidthKbps is { } kbps ? $"b=AS:{kbps}\r\n" : "") +
            format +
            $"a=rtcp-fb:{PayloadType} nack\r\na=rtcp-fb:{PayloadType} nack pli\r\na=rtcp-fb:{PayloadType} ccm fir\r\n" +
            $"{crypto}a=rtcp-mux\r\na=sendrecv\r\n";
    }

    /// <summary>Starts receiving from the worker's description (its answer, or its offer when it dialled out).</summary>
    public void Connect(string answer)
    {
        Answer = answer;
        Assert.True(SessionDescription.TryParse(answer, out var sdp, out _));
        var video = Assert.Single(sdp.Media, m => m.Media == "video");
        Assert.NotEqual(0, video.Port);
        _worker = new IPEndPoint(IPAddress.Parse(sdp.ConnectionAddressFor(video)!), video.Port);
        if (Srtp)
        {
            var line = Assert.Single(video.Find("crypto"));
            Assert.True(SdesCrypto.TryParse(line.Value, out var theirs));
            Assert.True(theirs.IsSupported(out var suite));
            _receive = SrtpContext.FromKeyMaterial(suite, theirs.KeyMaterial);
            _send = SrtpContext.FromKeyMaterial(suite, _ourKey);
        }
        _receiving = Task.Run(ReceiveAsync);
    }

    /// <summary>The latest decoded composite (a copy), or null before the first one.</summary>
    public I420Frame? Snapshot()
    {
        lock (_lock)
        {
            if (_picture is null)
            {
                return null;
            }
            var copy = new I420Frame(_picture.Width, _picture.Height);
            copy.CopyFrom(_picture.AsView());
            return copy;
        }
    }

    /// <summary>Waits until a decoded picture passes the check; returns the last picture seen either way.</summary>
    public async Task<(bool Passed, I420Frame? Picture)> WaitForPictureAsync(Func<I420Frame, bool> check, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        I420Frame? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var picture = Snapshot();
            if (picture is not null)
            {
                last?.Dispose();
                last = picture;
                if (check(picture))
                {
                    return (true, picture);
                }
            }
            await Task.Delay(100);
        }
        return (false, last);
    }

    /// <summary>RR + PLI (+ FIR) about the worker's stream, over rtcp-mux, as a phone whose decoder broke.</summary>
    public void SendKeyFrameRequest()
    {
        var packet = new byte[128];
        var length = RtcpWriter.WriteReceiverReport(packet, 0xBEEF, []);
        length += VideoFeedback.WritePictureLoss(packet.AsSpan(length), 0xBEEF, WorkerSsrc);
        length += VideoFeedback.WriteFullIntraRequest(packet.AsSpan(length), 0xBEEF, WorkerSsrc, _firSequence++);
        if (_send is not null)
        {
            Assert.Equal(SrtpStatus.Ok, _send.ProtectRtcp(packet, length, out length));
        }
        _video.SendTo(packet.AsSpan(0, length), SocketFlags.None, _worker!);
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await _video.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            var packet = buffer.AsSpan(0, received);
            if (RtpDemux.Classify(packet) != PacketKind.Rtp)
            {
                continue;
            }
            var length = received;
            if (_receive is not null && _receive.UnprotectRtp(packet, out length) != SrtpStatus.Ok)
            {
                AuthenticationFailures++;
                continue;
            }
            if (!RtpHeader.TryParse(packet[..length], out var header) || header.PayloadType != PayloadType)
            {
                continue;
            }
            WorkerSsrc = header.Ssrc;
            if (_depacketizer.Push(header.Payload(packet[..length]), header.SequenceNumber, header.Timestamp, header.Marker) != DepacketizeResult.FrameReady)
            {
                continue;
            }
            var key = _depacketizer.FrameIsKeyFrame;
            if (!_decoder.Decode(_depacketizer.Frame, out var view))
            {
                continue;
            }
            lock (_lock)
            {
                _picture ??= new I420Frame(view.Width, view.Height);
                _picture.CopyFrom(view);
                FramesDecoded++;
                KeyFrames += key ? 1 : 0;
            }
        }
    }

    private static Socket Bind()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.ReceiveBufferSize = 1 << 20;
        return socket;
    }

    private static int Port(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    public void Dispose()
    {
        _stop.Cancel();
        _audio.Dispose();
        _video.Dispose();
        _receiving.Wait(TimeSpan.FromSeconds(2));
        lock (_lock)
        {
            _picture?.Dispose();
            _decoder.Dispose();
        }
        _receive?.Dispose();
        _send?.Dispose();
        _stop.Dispose();
    }
}
