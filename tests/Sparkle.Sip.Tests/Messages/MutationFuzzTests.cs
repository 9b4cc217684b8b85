using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Tests.Support;

namespace Sparkle.Sip.Tests.Messages;

/// <summary>A bounded mutation fuzz with a fixed seed: flipped, inserted, deleted and duplicated bytes and
/// lines. The parser, the framer and a live stack must never throw and must keep answering.</summary>
public sealed class MutationFuzzTests
{
    private const int Seed = 20261123;
    private const int Mutations = 4000;

    private static readonly string[] s_seeds =
    [
        Support.Messages.Invite(),
        Support.Messages.Invite(method: "OPTIONS", body: "", toTag: "t1"),
        "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1;received=1.2.3.4\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContact: <sip:c@1.2.3.4>\r\nContent-Length: 0\r\n\r\n",
        MalformedCorpus.Render(MalformedCorpus.Template, "5070", "fuzz"),
    ];

    public static IEnumerable<byte[]> Mutate(int count)
    {
        var random = new Random(Seed);
        for (var i = 0; i < count; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(s_seeds[random.Next(s_seeds.Length)]).ToList();
            var edits = 1 + random.Next(4);
            for (var e = 0; e < edits && bytes.Count > 0; e++)
            {
                var at = random.Next(bytes.Count);
                switch (random.Next(7))
                {
                    case 0:
                        bytes[at] ^= (byte)(1 << random.Next(8));
                        break;
                    case 1:
                        bytes.Insert(at, (byte)random.Next(256));
                        break;
                    case 2:
                        bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(20)));
                        break;
                    case 3:
                        bytes.InsertRange(at, "\r\n"u8.ToArray());
                        break;
                    case 4:
                        bytes.InsertRange(at, Encoding.ASCII.GetBytes(random.Next(2) == 0 ? ";" : ":"));
                        break;
                    case 5:
                        var len = Math.Min(bytes.Count - at, 1 + random.Next(80));
                        bytes.InsertRange(at, bytes.GetRange(at, len));
                        break;
                    default:
                        bytes[at] = (byte)"0123456789 <>\"@;,=\t"[random.Next(19)];
                        break;
                }
            }
            yield return bytes.ToArray();
        }
    }

    [Fact]
    public void ParserAndFramerNeverThrowOnMutatedMessages()
    {
        var statuses = new Dictionary<SipParseStatus, int>();
        using var framer = new SipStreamFramer();
        var framerBroken = 0;
        var framerInstance = framer;
        foreach (var bytes in Mutate(Mutations))
        {
            var datagram = SipParser.ParseDatagram(bytes);
            statuses[datagram.Status] = statuses.GetValueOrDefault(datagram.Status) + 1;
            var stream = SipParser.ParseStream(bytes);
            Assert.InRange(stream.Consumed, 0, bytes.Length);
            if (datagram.Message is { } m)
            {
                // Anything parsed can be serialized again.
                _ = m.ToBytes();
            }
            using var perMessage = new SipStreamFramer();
            perMessage.Append(bytes);
            for (var guard = 0; guard < 10 && perMessage.Next().Status != SipParseStatus.Incomplete; guard++)
            {
            }
            framerBroken += perMessage.Broken ? 1 : 0;
        }
        // The mutations exercise both sides: some still parse, many do not.
        Assert.True(statuses.GetValueOrDefault(SipParseStatus.Complete) > 100, "too few mutations parsed");
        Assert.True(statuses.GetValueOrDefault(SipParseStatus.Invalid) > 100, "too few mutations were invalid");
        Assert.True(framerBroken > 0);
        Assert.NotNull(framerInstance);
    }

    [Fact]
    public async Task LiveStackSurvivesMutatedDatagramsAndTcpStreams()
    {
        var app = new EchoApplication { InviteAnswer = 486 };
        // Short timers so every transaction the fuzz opened must be gone by the end (no leak).
        var timers = new Sparkle.Sip.Transactions.SipTimers
        {
            T1 = TimeSpan.FromMilliseconds(10),
            T2 = TimeSpan.FromMilliseconds(40),
            T4 = TimeSpan.FromMilliseconds(50),
        };
        await using var stack = TestStack.Start(app, timers: timers);
        using var client = new RawUdpClient();
        var server = stack.Transport.UdpEndPoint!.Value.Address;
        var watch = Stopwatch.StartNew();
        var sent = 0;
        foreach (var bytes in Mutate(1500))
        {
            if (bytes.Length > 60000)
            {
                continue;
            }
            client.Send(bytes, server);
            sent++;
            if (sent % 50 == 0)
            {
                // Pace the burst so the loopback socket buffer does not overflow.
                await Task.Delay(5);
            }
        }
        // The same mutations over one TCP connection after another (a broken stream closes its connection).
        var tcpEndpoint = stack.Transport.TcpEndPoint!.Value.Address;
        foreach (var chunk in Mutate(200).Chunk(20))
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(tcpEndpoint);
            var network = tcp.GetStream();
            foreach (var bytes in chunk)
            {
                try
                {
                    await network.WriteAsync(bytes);
                }
                catch (IOException)
                {
                    break; // the server closed an unframeable stream: expected
                }
            }
        }

        var probe = Encoding.UTF8.GetBytes(MalformedCorpus.Render(MalformedCorpus.Template,
            client.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "after-fuzz"));
        // Drain the responses to the fuzz first: a full client socket buffer would drop the probe's answer.
        while (client.Receive(TimeSpan.FromMilliseconds(300)) is not null)
        {
        }
        SipResponse? answer = null;
        for (var attempt = 0; attempt < 5 && answer is null; attempt++)
        {
            client.Send(probe, server);
            answer = client.ReceiveFinalFor("after-fuzz@torture", TimeSpan.FromSeconds(2));
        }
        Assert.Equal(200, answer?.StatusCode);
        Assert.Equal(0, stack.Agent.DialogCount);
        Eventually.True(() => stack.Agent.Transactions.ServerTransactionCount == 0, "every server transaction ends");
        Assert.Equal(0, stack.Agent.Transactions.ClientTransactionCount);
        Assert.True(stack.Transport.Rejected + stack.Transport.Dropped > 100, "the fuzz should have produced rejects and drops");
    }
}
