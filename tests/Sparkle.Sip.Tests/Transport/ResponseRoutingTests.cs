using System.Net;
using System.Net.Sockets;
using System.Text;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Tests.Support;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Tests.Transport;

/// <summary>RFC 3261 §18.2.2: where a response goes when its request's connection is gone.</summary>
public sealed class ResponseRoutingTests
{
    private static string Options(int sentByPort, string viaExtra) =>
        "OPTIONS sip:factory@127.0.0.1 SIP/2.0\r\n" +
        $"Via: SIP/2.0/TCP 127.0.0.1:{sentByPort};branch=z9hG4bK-reset-1{viaExtra}\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: <sip:factory@127.0.0.1>\r\n" +
        "From: <sip:tester@127.0.0.1>;tag=t1\r\n" +
        "Call-ID: reset-1@test\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        "Content-Length: 0\r\n\r\n";

    [Fact]
    public async Task AfterAResetTheResponseGoesToTheRequestsSourceNeverToAClaimedReceived()
    {
        // The address the client claims in received=, and the real source at the same sent-by port.
        using var claimed = new TcpListener(IPAddress.Parse("127.0.0.2"), 0);
        claimed.Start();
        var port = ((IPEndPoint)claimed.LocalEndpoint).Port;
        using var source = new TcpListener(IPAddress.Loopback, port);
        source.Start();

        var app = new HoldingApplication();
        await using var stack = TestStack.Start(app);
        var tcp = new TcpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await tcp.ConnectAsync(stack.Transport.TcpEndPoint!.Value.Address);
        var from = new SipEndPoint(SipTransportKind.Tcp, (IPEndPoint)tcp.Client.LocalEndPoint!);
        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Options(port, ";received=127.0.0.2")));
        Eventually.True(() => !app.Requests.IsEmpty, "the OPTIONS reaches the application");
        Assert.True(app.Requests.TryPeek(out var transaction));
        Assert.NotEqual("127.0.0.2", transaction!.Request.TopVia!.Received);

        tcp.Client.LingerState = new LingerOption(true, 0);
        tcp.Dispose();
        Eventually.True(() => !stack.Transport.HasConnection(from), "the reset connection is gone");
        transaction.Respond(transaction.Request.CreateResponse(200, toTag: "s"));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var back = await source.AcceptTcpClientAsync(timeout.Token);
        var buffer = new byte[2048];
        var n = await back.GetStream().ReadAsync(buffer, timeout.Token);
        Assert.StartsWith("SIP/2.0 200", Encoding.ASCII.GetString(buffer, 0, n));
        Assert.False(claimed.Pending(), "the gateway connected to the address the client chose");
    }

    [Fact]
    public async Task AClientsOwnRportValueIsReplacedByTheRealSourcePort()
    {
        var app = new HoldingApplication();
        await using var stack = TestStack.Start(app);
        using var tcp = new TcpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await tcp.ConnectAsync(stack.Transport.TcpEndPoint!.Value.Address);
        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Options(5070, ";rport=9;received=127.0.0.2")));
        Eventually.True(() => !app.Requests.IsEmpty, "the OPTIONS reaches the application");
        Assert.True(app.Requests.TryPeek(out var transaction));
        var via = transaction!.Request.TopVia!;
        Assert.Equal("127.0.0.1", via.Received);
        Assert.Equal(((IPEndPoint)tcp.Client.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            via.Parameters["rport"]);
    }
}
