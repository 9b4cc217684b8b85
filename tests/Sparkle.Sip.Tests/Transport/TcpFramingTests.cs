using System.Net.Sockets;
using System.Text;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Tests.Messages;
using Sparkle.Sip.Tests.Support;

namespace Sparkle.Sip.Tests.Transport;

public sealed class TcpFramingTests
{
    [Fact]
    public async Task HugeHeadersCloseTheConnectionWithoutHarmingTheServer()
    {
        await using var stack = TestStack.Start();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(stack.Transport.TcpEndPoint!.Value.Address);
        var stream = tcp.GetStream();
        var huge = "OPTIONS sip:a@b SIP/2.0\r\nX-Huge: " + new string('x', SipParser.MaxHeaderBytes + 10_000);
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(huge));
        }
        catch (IOException)
        {
            // Closed mid-write: fine.
        }
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        int read;
        try
        {
            read = await stream.ReadAsync(buffer, timeout.Token);
        }
        catch (IOException)
        {
            read = 0;
        }
        Assert.Equal(0, read);
        Assert.True(stack.Transport.Dropped >= 1);
    }

    [Fact]
    public async Task BadRequestOnTcpIsAnsweredAndTheConnectionKeepsWorking()
    {
        await using var stack = TestStack.Start();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(stack.Transport.TcpEndPoint!.Value.Address);
        var stream = tcp.GetStream();
        var template = MalformedCorpus.Template.Replace("SIP/2.0/UDP", "SIP/2.0/TCP");
        var bad = MalformedCorpus.Render(template.Replace("Max-Forwards: 70\r\n", ""), "5070", "tcp-bad");
        var good = MalformedCorpus.Render(template, "5070", "tcp-good");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(bad + good));

        using var framer = new SipStreamFramer();
        var responses = new List<SipResponse>();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (responses.Count < 2)
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            Assert.True(n > 0, "connection closed early");
            framer.Append(buffer.AsSpan(0, n));
            while (framer.Next() is { Status: SipParseStatus.Complete, Message: SipResponse r })
            {
                responses.Add(r);
            }
        }
        Assert.Equal(400, responses.Single(r => r.CallId == "tcp-bad@torture").StatusCode);
        Assert.Equal(200, responses.Single(r => r.CallId == "tcp-good@torture").StatusCode);
    }
}
