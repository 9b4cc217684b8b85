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

    private async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 250 && !condition(); i++)
        {
            await Task.Delay(20);
        }
        Assert.True(condition());
    }

    [Fact]
    public async Task AStrangerWithThePhonesSsrcCannotTakeTheLatchedLeg()
    {
        Send(_phone, 1111, 1);
        await WaitForAsync(() => _transport.Counters.RtpReceived == 1);
        // The SSRC is no secret (the conference event package publishes it as src-id).
        Send(_stranger, 1111, 2);
        Send(_stranger, 1111, 3);
        await WaitForAsync(() => _transport.Counters.Foreign == 2);
        Assert.Equal(1, _transport.Counters.RtpReceived);

        _transport.SendFrame(new byte[160], 160);
        _phone.ReceiveTimeout = 5000;
        Assert.Equal(172, _phone.Receive(new byte[1500]));
        Assert.Equal(0, _stranger.Available);
    }

    [Fact]
    public void SilenceAloneNeverMovesTheLatch()
    {
        var latch = new RemoteLatch();
        var signalled = new IPEndPoint(IPAddress.Parse("127.0.0.2"), 9).Serialize();
        latch.Reset(signalled, null);
        var phone = ((IPEndPoint)_phone.LocalEndPoint!).Serialize();
        var stranger = ((IPEndPoint)_stranger.LocalEndPoint!).Serialize();
        Assert.True(latch.Admits(phone, authenticated: false, out var fromCurrent));
        latch.Learn(phone, fromCurrent, rtcpMux: true, now: 0); // heard long ago: the phone has been silent since
        Assert.False(latch.Admits(stranger, authenticated: false, out _));
        Assert.Equal(phone, latch.Rtp);
        // A source that proves itself (authenticated SRTP) may move it: the phone changed networks.
        Assert.True(latch.Admits(stranger, authenticated: true, out fromCurrent));
        latch.Learn(stranger, fromCurrent, rtcpMux: true, now: 0);
        Assert.Equal(stranger, latch.Rtp);
        // The same description again (session refresh) keeps the latch; another address starts afresh.
        latch.Reset(signalled, null);
        Assert.Equal(stranger, latch.Rtp);
        Assert.False(latch.Admits(phone, authenticated: false, out _));
        latch.Reset(new IPEndPoint(IPAddress.Parse("127.0.0.3"), 9).Serialize(), null);
        Assert.True(latch.Admits(phone, authenticated: false, out _));
    }

    [Fact]
    public void PortsAreHandedOutInNoGuessableOrder()
    {
        var allocator = new RtpPortAllocator(IPAddress.Loopback, 44000, 44999);
        var pairs = Enumerable.Range(0, 6).Select(_ => allocator.Allocate()).ToList();
        try
        {
            var ports = pairs.Select(p => p.Port).ToList();
            Assert.All(ports, p => Assert.True(p % 2 == 0 && p is >= 44000 and <= 44998));
            Assert.Equal(ports.Count, ports.Distinct().Count());
            Assert.False(ports.Zip(ports.Skip(1)).All(p => p.Second == p.First + 2), string.Join(",", ports));
        }
        finally
        {
            pairs.ForEach(p => p.Dispose());
        }
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
