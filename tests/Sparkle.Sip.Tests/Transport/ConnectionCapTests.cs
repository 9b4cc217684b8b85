using System.Net;
using System.Net.Sockets;
using System.Text;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Tests.Messages;
using Sparkle.Sip.Tests.Support;
using static Sparkle.Sip.Tests.Support.RawTcp;

namespace Sparkle.Sip.Tests.Transport;

/// <summary>Caps on inbound TCP/TLS connections (issue 14): per source address and in all, enforced at accept.</summary>
public sealed class ConnectionCapTests
{
    private static string Options(string id) =>
        MalformedCorpus.Render(MalformedCorpus.Template.Replace("SIP/2.0/UDP", "SIP/2.0/TCP"), "5070", id);

    [Fact]
    public async Task ConnectionsAboveThePerAddressCapAreClosedAtAcceptAndCounted()
    {
        await using var stack = TestStack.Start(configure: o => o.MaxConnectionsPerAddress = 3);
        var held = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                held.Add(await ConnectAsync(stack));
            }
            await WaitUntilAsync(() => stack.Transport.InboundConnectionsFrom(IPAddress.Loopback) == 3);

            Assert.True(await IsRefusedAsync(stack), "a fourth connection from one address was kept");
            Assert.Equal(1, stack.Transport.ConnectionsRefused);
            Assert.Equal(200, (await RoundTripAsync(held[2].GetStream(), Options("cap-held"))).StatusCode);

            // A slot freed by a close is available again.
            held[0].Dispose();
            await WaitUntilAsync(() => stack.Transport.InboundConnectionsFrom(IPAddress.Loopback) == 2);
            using var again = await ConnectAsync(stack);
            Assert.Equal(200, (await RoundTripAsync(again.GetStream(), Options("cap-again"))).StatusCode);
            Assert.Equal(1, stack.Transport.ConnectionsRefused);
        }
        finally
        {
            held.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task ConnectionsAboveTheTotalCapAreClosedAtAccept()
    {
        await using var stack = TestStack.Start(configure: o => o.MaxConnections = 2);
        using var first = await ConnectAsync(stack);
        using var second = await ConnectAsync(stack);
        await WaitUntilAsync(() => stack.Transport.InboundConnectionsFrom(IPAddress.Loopback) == 2);

        Assert.True(await IsRefusedAsync(stack), "a connection above the total cap was kept");
        Assert.Equal(1, stack.Transport.ConnectionsRefused);
    }

    private static async Task<TcpClient> ConnectAsync(TestStack stack)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(stack.Transport.TcpEndPoint!.Value.Address);
        return tcp;
    }

    /// <summary>The reset may come before the client's connect finishes (broken pipe) or after (EOF/reset on read).</summary>
    private static async Task<bool> IsRefusedAsync(TestStack stack)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(stack.Transport.TcpEndPoint!.Value.Address);
        }
        catch (SocketException)
        {
            return true;
        }
        return await IsClosedAsync(tcp.GetStream());
    }

    private static async Task<SipResponse> RoundTripAsync(NetworkStream stream, string request)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var framer = new SipStreamFramer();
        return await ReadResponseAsync(stream, framer);
    }
}
