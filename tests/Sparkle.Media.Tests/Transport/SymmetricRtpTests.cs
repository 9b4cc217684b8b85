using System.Net;
using System.Net.Sockets;
using Sparkle.Media.Codecs;
using Sparkle.Media.Rtp;
using Sparkle.Media.Sdp;
using Sparkle.Media.Transport;

namespace Sparkle.Media.Tests.Transport;

/// <summary>Symmetric RTP on a plain (unauthenticated) leg: we answer where the phone really sends
/// from, and a stranger's packets cannot redirect the stream.</summary>
public sealed class SymmetricRtpTests : IAsyncLifetime
{
    private readonly Socket _phone = Udp();
    private readonly Socket _stranger = Udp();
    private AudioLegTransport _transport = null!;
    private IPEndPoint _worker = null!;

    private static Socket Udp()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    public Task InitializeAsync()
    {
        var sockets = new RtpPortAllocator(IPAddress.Loopback, 43000, 43999).Allocate();
        _worker = new IPEndPoint(IPAddress.Loopback, sockets.Port);
        _transport = new AudioLegTransport("p", sockets, 0x5EED, new NullObserver());
        // The SDP names an address nobody uses (a phone behind NAT announces its private address).
        _transport.Apply(new NegotiatedAudio(AudioCodec.Pcmu, 0, null, MediaDirection.SendRecv,
            new IPEndPoint(IPAddress.Parse("127.0.0.2"), 9), null, RtcpMux: true, Srtp: null));
        _transport.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _transport.DisposeAsync();
        _phone.Dispose();
        _stranger.Dispose();
    }

    private void Send(Socket from, uint ssrc, ushort seq)
    {
        var packet = new byte[12 + 160];
        RtpHeader.Write(packet, false, 0, seq, seq * 160u, ssrc);
        from.SendTo(packet, _worker);
    }

    [Fact]
    public async Task RepliesGoToThePhoneAndNotToAStranger()
    {
        Send(_phone, 1111, 1);
        for (var i = 0; i < 100 && _transport.Counters.RtpReceived < 1; i++)
        {
            await Task.Delay(20);
        }
        Send(_stranger, 2222, 1);
        Send(_stranger, 2222, 2);
        for (var i = 0; i < 100 && _transport.Counters.Foreign < 2; i++)
        {
            await Task.Delay(20);
        }
        Assert.Equal(1, _transport.Counters.RtpReceived);
        Assert.Equal(2, _transport.Counters.Foreign);

        _transport.SendFrame(new byte[160], 160);
        _phone.ReceiveTimeout = 5000;
        var buffer = new byte[1500];
        Assert.Equal(172, _phone.Receive(buffer));
        await Task.Delay(100);
        Assert.Equal(0, _stranger.Available);
    }

    private sealed class NullObserver : IAudioLegObserver
    {
        public void OnDtmf(string participantId, char digit)
        {
        }

        public void OnSsrcLearned(string participantId, uint ssrc)
        {
        }
    }
}
