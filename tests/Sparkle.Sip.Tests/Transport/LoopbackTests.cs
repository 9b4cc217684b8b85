using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Tests.Support;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Tests.Transport;

/// <summary>Two real stacks on loopback talk over each transport.</summary>
public sealed class LoopbackTests
{
    [Theory]
    [InlineData(SipTransportKind.Udp)]
    [InlineData(SipTransportKind.Tcp)]
    [InlineData(SipTransportKind.Tls)]
    public async Task OptionsRoundTrip(SipTransportKind kind)
    {
        var serverApp = new EchoApplication();
        await using var server = TestStack.Start(serverApp, tls: true);
        await using var client = TestStack.Start(tls: true);
        var target = server.Transport.LocalEndPoint(kind)!.Value;
        var scheme = kind == SipTransportKind.Tls ? "sips" : "sip";
        var options = SipUserAgent.CreateRequest(SipMethods.Options, SipUri.Parse($"{scheme}:factory@127.0.0.1:{target.Address.Port}"),
            NameAddress.Parse("<sip:tester@127.0.0.1>"), NameAddress.Parse("<sip:factory@127.0.0.1>"));

        var response = await client.Agent.SendAsync(options, target).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(kind.ToVia(), response.TopVia!.Transport);
        lock (serverApp.Events)
        {
            Assert.Contains("OPTIONS", serverApp.Events);
        }
    }

    [Fact]
    public async Task RequestsAbove1300BytesGoOverTcp()
    {
        await using var server = TestStack.Start();
        await using var client = TestStack.Start();
        var target = server.Transport.UdpEndPoint!.Value;
        var request = SipUserAgent.CreateRequest(SipMethods.Options, SipUri.Parse($"sip:factory@127.0.0.1:{target.Address.Port}"),
            NameAddress.Parse("<sip:tester@127.0.0.1>"), NameAddress.Parse("<sip:factory@127.0.0.1>"));
        request.BodyText = new string('x', 2000);
        request.Headers.Add(HeaderNames.ContentType, "text/plain");
        // The server's TCP listener is on another port than UDP in tests: aim at the TCP port over "UDP".
        var tcpPortAsUdp = target with { Address = new System.Net.IPEndPoint(target.Address.Address, server.Transport.TcpEndPoint!.Value.Address.Port) };

        var response = await client.Agent.SendAsync(request, tcpPortAsUdp).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("TCP", response.TopVia!.Transport);
    }

    [Fact]
    public async Task LargeRequestFallsBackToUdpWhenThePeerHasNoTcp()
    {
        await using var udpOnly = StartUdpOnlyPhone(new EchoApplication());
        await using var client = TestStack.Start();
        var target = udpOnly.UdpEndPoint!.Value;
        var request = SipUserAgent.CreateRequest(SipMethods.Options, SipUri.Parse($"sip:phone@127.0.0.1:{target.Address.Port}"),
            NameAddress.Parse("<sip:tester@127.0.0.1>"), NameAddress.Parse("<sip:phone@127.0.0.1>"));
        request.BodyText = new string('x', 2000);
        request.Headers.Add(HeaderNames.ContentType, "text/plain");

        var response = await client.Agent.SendAsync(request, target).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("UDP", response.TopVia!.Transport);
    }

    [Fact]
    public async Task LargeInviteToAUdpOnlyPhoneKeepsItsDialogOnUdp()
    {
        // A focus's audio+video offer exceeds 1300 bytes, so it tries TCP first (RFC 3261 §18.1.1); a phone
        // that listens on UDP only refuses, the INVITE goes over UDP, and so must the ACK and the BYE.
        var phoneApp = new EchoApplication();
        await using var udpOnly = StartUdpOnlyPhone(phoneApp);
        await using var client = TestStack.Start(new HoldingApplication());
        var target = udpOnly.UdpEndPoint!.Value;
        var invite = LargeInvite(target, client.Transport.UdpEndPoint!.Value);

        var outgoing = client.Agent.Invite(invite, target);
        Assert.Equal(200, (await outgoing.FinalResponse.WaitAsync(TimeSpan.FromSeconds(10))).StatusCode);
        Assert.Equal(SipTransportKind.Udp, outgoing.Dialog!.Peer.Transport);
        Eventually.True(() => { lock (phoneApp.Events) { return phoneApp.Events.Contains("ack"); } }, "the phone sees the ACK");

        await client.Agent.HangUpAsync(outgoing.Dialog!).WaitAsync(TimeSpan.FromSeconds(10));
        Eventually.True(() => { lock (phoneApp.Events) { return phoneApp.Events.Contains("ended:RemoteBye"); } }, "the phone sees the BYE");
    }

    [Fact]
    public async Task LargeInviteToAUdpOnlyPhoneCanBeCancelledWhileItRings()
    {
        var phoneApp = new HoldingApplication();
        await using var udpOnly = StartUdpOnlyPhone(phoneApp);
        await using var client = TestStack.Start(new HoldingApplication());
        var target = udpOnly.UdpEndPoint!.Value;
        var invite = LargeInvite(target, client.Transport.UdpEndPoint!.Value);

        var outgoing = client.Agent.Invite(invite, target);
        Eventually.True(() => !phoneApp.Invites.IsEmpty, "the phone gets the INVITE over UDP");
        phoneApp.Invites.TryPeek(out var ringing);
        ringing!.SendProvisional(180);
        var rang = new TaskCompletionSource();
        outgoing.Provisional += _ => rang.TrySetResult();
        await rang.Task.WaitAsync(TimeSpan.FromSeconds(10));

        client.Agent.Cancel(outgoing);

        Assert.Equal(487, (await outgoing.FinalResponse.WaitAsync(TimeSpan.FromSeconds(10))).StatusCode);
        Eventually.True(() => phoneApp.Events.Contains("cancelled"), "the phone sees the CANCEL");
    }

    [Fact]
    public async Task InviteAcceptedOverUdpIsAckedAndHungUp()
    {
        var serverApp = new EchoApplication();
        await using var server = TestStack.Start(serverApp);
        await using var client = TestStack.Start(new HoldingApplication());
        var target = server.Transport.UdpEndPoint!.Value;
        var invite = SipUserAgent.CreateRequest(SipMethods.Invite, SipUri.Parse($"sip:factory@127.0.0.1:{target.Address.Port}"),
            NameAddress.Parse("<sip:1001@127.0.0.1>"), NameAddress.Parse("<sip:factory@127.0.0.1>"),
            NameAddress.Parse($"<sip:1001@127.0.0.1:{client.Transport.UdpEndPoint!.Value.Address.Port}>"));
        invite.BodyText = "v=0\r\n";
        invite.Headers.Add(HeaderNames.ContentType, "application/sdp");

        var outgoing = client.Agent.Invite(invite, target);
        var final = await outgoing.FinalResponse.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(200, final.StatusCode);
        Eventually.True(() => { lock (serverApp.Events) { return serverApp.Events.Contains("ack"); } }, "server sees the ACK");

        await client.Agent.HangUpAsync(outgoing.Dialog!).WaitAsync(TimeSpan.FromSeconds(10));
        Eventually.True(() => { lock (serverApp.Events) { return serverApp.Events.Contains("ended:RemoteBye"); } }, "server sees the BYE");
        Assert.Equal(0, server.Agent.DialogCount);
        Assert.Equal(0, client.Agent.DialogCount);
    }

    /// <summary>A phone that listens on UDP only (many do): TCP connections to it are refused.</summary>
    private static UdpOnlyPhone StartUdpOnlyPhone(ISipApplication application)
    {
        for (var attempt = 1; ; attempt++)
        {
            var transport = StartUdpTransport(application);
            try
            {
                return new UdpOnlyPhone(transport);
            }
            catch (System.Net.Sockets.SocketException) when (attempt < 10)
            {
                // That number is taken for TCP already: another UDP port.
                transport.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
    }

    private static SipTransport StartUdpTransport(ISipApplication application)
    {
        var transport = new SipTransport(new SipTransportOptions { BindAddress = System.Net.IPAddress.Loopback, UdpPort = 0, TcpPort = null, TlsPort = null });
        var layer = new Sparkle.Sip.Transactions.SipTransactionLayer(transport);
        new SipUserAgent(layer).SetApplication(application);
        transport.SetSink(layer);
        transport.Start();
        return transport;
    }

    /// <summary>A phone listening on UDP only. Its port number is also held for TCP, bound and never listening: a TCP
    /// connect to it is refused, as on a real UDP-only phone, and no other test's stack running in parallel can take
    /// that TCP port (one did once, and answered the phone's INVITE with its own 503).</summary>
    private sealed class UdpOnlyPhone : IAsyncDisposable
    {
        private readonly SipTransport _transport;
        private readonly System.Net.Sockets.Socket _tcpHold = new(System.Net.Sockets.AddressFamily.InterNetwork,
            System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);

        public UdpOnlyPhone(SipTransport transport)
        {
            _transport = transport;
            _tcpHold.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, transport.UdpEndPoint!.Value.Address.Port));
        }

        public SipEndPoint? UdpEndPoint => _transport.UdpEndPoint;

        public async ValueTask DisposeAsync()
        {
            _tcpHold.Dispose();
            await _transport.DisposeAsync();
        }
    }

    /// <summary>An INVITE over the 1300-byte limit, as a focus's audio+video SRTP offer is.</summary>
    private static SipRequest LargeInvite(SipEndPoint phone, SipEndPoint focus)
    {
        var invite = SipUserAgent.CreateRequest(SipMethods.Invite, SipUri.Parse($"sip:phone@127.0.0.1:{phone.Address.Port}"),
            NameAddress.Parse("<sip:focus@127.0.0.1>"), NameAddress.Parse("<sip:phone@127.0.0.1>"),
            NameAddress.Parse($"<sip:focus@127.0.0.1:{focus.Address.Port}>"));
        invite.BodyText = "v=0\r\n" + string.Concat(Enumerable.Repeat("a=x-padding:0123456789abcdef0123456789abcdef\r\n", 40));
        invite.Headers.Add(HeaderNames.ContentType, "application/sdp");
        return invite;
    }
}
