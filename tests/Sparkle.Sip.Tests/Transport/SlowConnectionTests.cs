using System.Net.Sockets;
using System.Text;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Tests.Messages;
using Sparkle.Sip.Tests.Support;
using Sparkle.Sip.Transport;
using static Sparkle.Sip.Tests.Support.RawTcp;

namespace Sparkle.Sip.Tests.Transport;

/// <summary>Slowloris over TCP/TLS (issue 14): partial messages, idle connections and stalled handshakes are
/// bounded by deadlines on the transport's clock (a manual one here: nothing waits on wall time for them).</summary>
public sealed class SlowConnectionTests
{

    private static string Options(string id) =>
        MalformedCorpus.Render(MalformedCorpus.Template.Replace("SIP/2.0/UDP", "SIP/2.0/TCP"), "5070", id);

    [Fact]
    public async Task PartialMessageIsCutOffTenSecondsAfterItsFirstByteEvenWhileTrickling()
    {
        var clock = new ManualTimeProvider();
        await using var stack = TestStack.Start(configure: o => o.Time = clock);
        using var tcp = await ConnectAsync(stack);
        var stream = tcp.GetStream();
        var partial = Encoding.ASCII.GetBytes(Options("slow"))[..40];

        await SendAndWaitSeenAsync(stack, stream, partial[..20]);
        clock.Advance(TimeSpan.FromSeconds(9));
        await SendAndWaitSeenAsync(stack, stream, partial[20..]);
        // Timers fire inside Advance, so nothing timed out means the connection is still held.
        Assert.Equal(0, stack.Transport.ConnectionsTimedOut);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.True(await IsClosedAsync(stream), "a trickled partial message kept its connection");
        Assert.Equal(1, stack.Transport.ConnectionsTimedOut);
    }

    [Fact]
    public async Task SilentConnectionIsClosedAfterTheIdleTimeoutButKeepAlivesHoldIt()
    {
        var clock = new ManualTimeProvider();
        await using var stack = TestStack.Start(configure: o => o.Time = clock);
        using var tcp = await ConnectAsync(stack);
        var stream = tcp.GetStream();

        Assert.Equal(200, (await RoundTripAsync(stack, stream, Options("idle-1"))).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(4));
        // RFC 5626 §3.5.1 ping: it carries no message but proves the flow is alive.
        await SendAndWaitSeenAsync(stack, stream, "\r\n\r\n"u8.ToArray());
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(200, (await RoundTripAsync(stack, stream, Options("idle-2"))).StatusCode);
        Assert.Equal(0, stack.Transport.ConnectionsTimedOut);
        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.True(await IsClosedAsync(stream), "an idle connection was kept");
        Assert.Equal(1, stack.Transport.ConnectionsTimedOut);
    }

    [Fact]
    public async Task FlowHeldForARegistrationOutlivesTheIdleTimeoutUntilItsLifetime()
    {
        var clock = new ManualTimeProvider();
        await using var stack = TestStack.Start(configure: o => o.Time = clock);
        using var tcp = await ConnectAsync(stack);
        var stream = tcp.GetStream();
        Assert.Equal(200, (await RoundTripAsync(stack, stream, Options("held-1"))).StatusCode);
        // The client socket is dual-mode: the server sees its IPv4 form.
        var local = (System.Net.IPEndPoint)tcp.Client.LocalEndPoint!;
        var flow = new SipEndPoint(SipTransportKind.Tcp, new System.Net.IPEndPoint(local.Address.MapToIPv4(), local.Port));

        // What the registrar does after a REGISTER over this connection with Expires: 3600.
        stack.Transport.HoldFlow(flow, TimeSpan.FromHours(1));
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(0, stack.Transport.ConnectionsTimedOut);
        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.True(await IsClosedAsync(stream), "a held flow was kept past its lifetime");
    }

    [Fact]
    public async Task HeaderSectionAbove16KiBClosesTheConnection()
    {
        await using var stack = TestStack.Start();
        using var tcp = await ConnectAsync(stack);
        var stream = tcp.GetStream();
        // Far below the parser's 64 KiB hard limit, above the per-connection 16 KiB default.
        var head = "OPTIONS sip:a@b SIP/2.0\r\nX-Pad: " + new string('x', 17 * 1024);

        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        }
        catch (IOException)
        {
            // Closed mid-write: what this test wants.
        }

        Assert.True(await IsClosedAsync(stream), "a 17 KiB header section was still being buffered");
    }

    [Fact]
    public async Task ContentLengthAboveTheLimitGets400AndCloseBeforeTheBodyIsSent()
    {
        await using var stack = TestStack.Start();
        using var tcp = await ConnectAsync(stack);
        var stream = tcp.GetStream();
        var request = Options("big-body").Replace("Content-Length: 0", "Content-Length: 500000");

        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        using var framer = new SipStreamFramer();
        var response = await ReadResponseAsync(stream, framer);
        Assert.Equal(400, response.StatusCode);
        Assert.True(await IsClosedAsync(stream), "the connection stayed open to receive a 500 kB body");
    }

    [Fact]
    public async Task StalledTlsHandshakeIsAbandoned()
    {
        var clock = new ManualTimeProvider();
        await using var stack = TestStack.Start(tls: true, configure: o => o.Time = clock);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(stack.Transport.TlsEndPoint!.Value.Address);
        var stream = tcp.GetStream();
        await WaitUntilAsync(() => stack.Transport.PendingHandshakes == 1);

        clock.Advance(TimeSpan.FromSeconds(10));

        // Well inside the old wall-clock 10 s, so only the transport's own clock can pass this.
        Assert.True(await IsClosedAsync(stream, TimeSpan.FromSeconds(5)), "a TLS connection that never said hello was kept");
        Assert.Equal(1, stack.Transport.ConnectionsTimedOut);
    }

    private static async Task<TcpClient> ConnectAsync(TestStack stack)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(stack.Transport.TcpEndPoint!.Value.Address);
        return tcp;
    }

    private static async Task SendAndWaitSeenAsync(TestStack stack, NetworkStream stream, byte[] bytes)
    {
        var before = stack.Transport.BytesReceived;
        await stream.WriteAsync(bytes);
        await WaitUntilAsync(() => stack.Transport.BytesReceived >= before + bytes.Length);
    }

    private static async Task<SipResponse> RoundTripAsync(TestStack stack, NetworkStream stream, string request)
    {
        var before = stack.Transport.BytesReceived;
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var framer = new SipStreamFramer();
        var response = await ReadResponseAsync(stream, framer);
        // The response proves the request was framed; its bytes are counted once the deadline moved.
        await WaitUntilAsync(() => stack.Transport.BytesReceived >= before + request.Length);
        return response;
    }
}
