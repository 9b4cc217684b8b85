using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Sparkle.Media.WebRtc;

namespace Sparkle.Media.Tests.WebRtc;

public class IceLiteAgentTests
{
    // RFC 5769 §2.1-2.3, byte for byte (short-term password "VOkJxbRl1RmTxUk/WvJxBt").
    private const string Password = "VOkJxbRl1RmTxUk/WvJxBt";

    private static readonly byte[] s_sampleRequest = Hex.Bytes(
        "000100582112a442b7e7a701bc34d686fa87dfae" +
        "80220010" + "5354554e207465737420636c69656e74" + // SOFTWARE "STUN test client"
        "00240004" + "6e0001ff" + // PRIORITY
        "80290008" + "932ff9b151263b36" + // ICE-CONTROLLED
        "00060009" + "6576746a3a68367659202020" + // USERNAME "evtj:h6vY", padded with spaces
        "00080014" + "9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2" + // MESSAGE-INTEGRITY
        "80280004" + "e57a3bcf"); // FINGERPRINT

    private static readonly byte[] s_sampleIPv4Response = Hex.Bytes(
        "0101003c2112a442b7e7a701bc34d686fa87dfae" +
        "8022000b" + "7465737420766563746f7220" + // SOFTWARE "test vector"
        "00200008" + "0001a147e112a643" + // XOR-MAPPED-ADDRESS 192.0.2.1:32853
        "00080014" + "2b91f599fd9e90c38c7489f92af9ba53f06be7d7" +
        "80280004" + "c07d4c96");

    private static readonly byte[] s_sampleIPv6Response = Hex.Bytes(
        "010100482112a442b7e7a701bc34d686fa87dfae" +
        "8022000b" + "7465737420766563746f7220" +
        "00200014" + "0002a1470113a9faa5d3f179bc25f4b5bed2b9d9" + // 2001:db8:1234:5678:11:2233:4455:6677 port 32853
        "00080014" + "a382954e4be67bf11784c97c8292c275bfe3ed41" +
        "80280004" + "c8fb0b4c");

    private static readonly byte[] s_vectorTransactionId = Hex.Bytes("b7e7a701bc34d686fa87dfae");

    private static SocketAddress V4(string ip = "192.0.2.1", int port = 32853) => new IPEndPoint(IPAddress.Parse(ip), port).Serialize();

    private static SocketAddress V6(string ip = "2001:db8:1234:5678:11:2233:4455:6677", int port = 32853) =>
        new IPEndPoint(IPAddress.Parse(ip), port).Serialize();

    private static IceLiteAgent VectorAgent() => new("evtj", Password, "h6vY");

    private static byte[] Request(string username, string password, bool useCandidate = false, byte[]? transactionId = null)
    {
        var buffer = new byte[256];
        var length = StunBindingRequest.Write(buffer, transactionId ?? RandomNumberGenerator.GetBytes(12), username, password,
            useCandidate, 0x1122334455667788);
        return buffer[..length];
    }

    private static (StunOutcome Outcome, byte[] Response) Handle(IceLiteAgent agent, byte[] packet, SocketAddress from)
    {
        var response = new byte[IceLiteAgent.MaxResponseLength];
        var outcome = agent.Handle(packet, from, response, out var length);
        return (outcome, response[..length]);
    }

    // --- An independent reading of a response: the test's own CRC-32 and .NET's HMAC class. ---

    private static uint BitwiseCrc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }

    /// <summary>Checks a binding success response the way a browser would and returns its XOR-MAPPED-ADDRESS attribute.</summary>
    private static byte[] VerifyResponse(byte[] response, ReadOnlySpan<byte> transactionId, string password)
    {
        Assert.Equal(0x0101, BinaryPrimitives.ReadUInt16BigEndian(response));
        Assert.Equal(response.Length - 20, BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(2)));
        Assert.Equal(0x2112A442u, BinaryPrimitives.ReadUInt32BigEndian(response.AsSpan(4)));
        Assert.Equal(transactionId.ToArray(), response.AsSpan(8, 12).ToArray());

        // FINGERPRINT: the last 8 bytes.
        var fingerprintAt = response.Length - 8;
        Assert.Equal(0x8028, BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(fingerprintAt)));
        Assert.Equal(BitwiseCrc32(response.AsSpan(0, fingerprintAt)) ^ 0x5354554Eu,
            BinaryPrimitives.ReadUInt32BigEndian(response.AsSpan(fingerprintAt + 4)));

        // MESSAGE-INTEGRITY: just before it, over the message with the length field ending at MI.
        var integrityAt = fingerprintAt - 24;
        Assert.Equal(0x0008, BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(integrityAt)));
        var covered = response[..integrityAt];
        BinaryPrimitives.WriteUInt16BigEndian(covered.AsSpan(2), (ushort)(integrityAt + 24 - 20));
        using var hmac = new HMACSHA1(Encoding.ASCII.GetBytes(password));
        Assert.Equal(hmac.ComputeHash(covered), response.AsSpan(integrityAt + 4, 20).ToArray());

        // The only other attribute: XOR-MAPPED-ADDRESS, right after the header.
        Assert.Equal(0x0020, BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(20)));
        Assert.Equal(integrityAt, 20 + 4 + BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(22)));
        return response[20..integrityAt];
    }

    [Fact]
    public void Rfc5769SampleRequestIsAnsweredWithAVerifiableResponse()
    {
        var agent = VectorAgent();

        var (outcome, response) = Handle(agent, s_sampleRequest, V4());

        Assert.Equal(StunOutcome.Answered, outcome);
        VerifyResponse(response, s_vectorTransactionId, Password);
        Assert.Equal(1, agent.Counters.Answered);
        Assert.Null(agent.Selected); // no USE-CANDIDATE in the sample
        Assert.NotEqual(0, agent.LastValidCheckTimestamp);
    }

    [Fact]
    public void Rfc5769SampleRequestUnderAnotherPasswordIsBadIntegrity()
    {
        var agent = new IceLiteAgent("evtj", "VOkJxbRl1RmTxUk/WvJxBT", "h6vY");

        var (outcome, response) = Handle(agent, s_sampleRequest, V4());

        Assert.Equal(StunOutcome.Dropped, outcome);
        Assert.Empty(response);
        Assert.Equal(1, agent.Counters.BadIntegrity);
        Assert.Equal(0, agent.LastValidCheckTimestamp);
    }

    [Fact]
    public void OurWriterRebuildsTheRfc5769ResponsesByteForByte()
    {
        // XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and FINGERPRINT computed by our writer must give §2.2 and §2.3 exactly.
        foreach (var (expected, endPoint) in new[]
        {
            (s_sampleIPv4Response, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853)),
            (s_sampleIPv6Response, new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853)),
        })
        {
            var buffer = new byte[128];
            var writer = new StunMessageWriter(buffer, 0x0101, s_vectorTransactionId);
            writer.Add(0x8022, "test vector"u8, paddingByte: 0x20);
            writer.AddXorMappedAddress(endPoint.AddressFamily, (ushort)endPoint.Port, endPoint.Address.GetAddressBytes());
            writer.AddMessageIntegrity(Encoding.ASCII.GetBytes(Password));
            writer.AddFingerprint();
            Assert.Equal(Hex.Of(expected), Hex.Of(buffer.AsSpan(0, writer.Length)));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AgentsXorMappedAddressIsTheRfc5769Encoding(bool ipv6)
    {
        var agent = VectorAgent();
        var request = Request("evtj:h6vY", Password, transactionId: s_vectorTransactionId);

        var (outcome, response) = Handle(agent, request, ipv6 ? V6() : V4());

        Assert.Equal(StunOutcome.Answered, outcome);
        var xorMapped = VerifyResponse(response, s_vectorTransactionId, Password);
        var vector = ipv6 ? s_sampleIPv6Response : s_sampleIPv4Response;
        var expected = vector.AsSpan(36, ipv6 ? 24 : 12).ToArray(); // the vector's XOR-MAPPED-ADDRESS attribute
        Assert.Equal(Hex.Of(expected), Hex.Of(xorMapped));
    }

    [Fact]
    public void Ipv4MappedIpv6SenderIsReportedAsIpv4()
    {
        var agent = VectorAgent();
        var request = Request("evtj:h6vY", Password, transactionId: s_vectorTransactionId);
        var from = new IPEndPoint(IPAddress.Parse("192.0.2.1").MapToIPv6(), 32853).Serialize();

        var (_, response) = Handle(agent, request, from);

        Assert.Equal(Hex.Of(s_sampleIPv4Response.AsSpan(36, 12)), Hex.Of(VerifyResponse(response, s_vectorTransactionId, Password)));
    }

    [Fact]
    public void Rfc5769ResponsesFedToTheAgentAreDropped()
    {
        var agent = VectorAgent();

        Assert.Equal(StunOutcome.Dropped, Handle(agent, s_sampleIPv4Response, V4()).Outcome);
        Assert.Equal(StunOutcome.Dropped, Handle(agent, s_sampleIPv6Response, V4()).Outcome);
        Assert.Equal(2, agent.Counters.Malformed);
        Assert.Equal(0, agent.Counters.Answered);
    }

    [Fact]
    public void WrongPasswordIsBadIntegrity()
    {
        var agent = new IceLiteAgent("locl", IceLiteAgent.NewPassword(), "rmte");

        var (outcome, response) = Handle(agent, Request("locl:rmte", IceLiteAgent.NewPassword()), V4());

        Assert.Equal(StunOutcome.Dropped, outcome);
        Assert.Empty(response);
        Assert.Equal(1, agent.Counters.BadIntegrity);
        Assert.Equal(0, agent.Counters.Answered);
    }

    [Theory]
    [InlineData("rmte:locl")] // the ufrags swapped
    [InlineData("locl:other")]
    [InlineData("locl")]
    [InlineData("locl:rmte2")]
    public void WrongUsernameIsUnknownUser(string username)
    {
        var password = IceLiteAgent.NewPassword();
        var agent = new IceLiteAgent("locl", password, "rmte");

        var (outcome, response) = Handle(agent, Request(username, password), V4());

        Assert.Equal(StunOutcome.Dropped, outcome);
        Assert.Empty(response);
        Assert.Equal(1, agent.Counters.UnknownUser);
    }

    [Fact]
    public void RequestWithoutFingerprintIsDropped()
    {
        var password = IceLiteAgent.NewPassword();
        var agent = new IceLiteAgent("locl", password, "rmte");
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, 0x0001, RandomNumberGenerator.GetBytes(12));
        writer.Add(0x0006, "locl:rmte"u8);
        writer.AddMessageIntegrity(Encoding.ASCII.GetBytes(password));

        var (outcome, response) = Handle(agent, buffer[..writer.Length], V4());

        Assert.Equal(StunOutcome.Dropped, outcome);
        Assert.Empty(response);
        Assert.Equal(1, agent.Counters.Malformed);
    }

    [Fact]
    public void RequestWithoutIntegrityIsDropped()
    {
        var agent = new IceLiteAgent("locl", IceLiteAgent.NewPassword(), "rmte");
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, 0x0001, RandomNumberGenerator.GetBytes(12));
        writer.Add(0x0006, "locl:rmte"u8);
        writer.AddFingerprint();

        Assert.Equal(StunOutcome.Dropped, Handle(agent, buffer[..writer.Length], V4()).Outcome);
        Assert.Equal(1, agent.Counters.Malformed);
    }

    [Fact]
    public void UnknownComprehensionRequiredAttributeIsDropped()
    {
        var password = IceLiteAgent.NewPassword();
        var agent = new IceLiteAgent("locl", password, "rmte");
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, 0x0001, RandomNumberGenerator.GetBytes(12));
        writer.Add(0x0006, "locl:rmte"u8);
        writer.Add(0x0031, "?"u8);
        writer.AddMessageIntegrity(Encoding.ASCII.GetBytes(password));
        writer.AddFingerprint();

        Assert.Equal(StunOutcome.Dropped, Handle(agent, buffer[..writer.Length], V4()).Outcome);
        Assert.Equal(1, agent.Counters.Malformed);
    }

    [Fact]
    public void EveryTruncatedPrefixIsDroppedWithoutThrowing()
    {
        var password = IceLiteAgent.NewPassword();
        var agent = new IceLiteAgent("locl", password, "rmte");
        var request = Request("locl:rmte", password, useCandidate: true);
        var response = new byte[IceLiteAgent.MaxResponseLength];

        for (var length = 0; length < request.Length; length++)
        {
            Assert.Equal(StunOutcome.Dropped, agent.Handle(request.AsSpan(0, length), V4(), response, out var responseLength));
            Assert.Equal(0, responseLength);
        }

        Assert.Equal(request.Length, agent.Counters.Malformed);
        Assert.Null(agent.Selected);
        // The whole request still works: the prefixes left no state behind.
        Assert.Equal(StunOutcome.Nominated, agent.Handle(request, V4(), response, out _));
    }

    [Fact]
    public void EverySingleBitFlipIsDropped()
    {
        var password = IceLiteAgent.NewPassword();
        var agent = new IceLiteAgent("locl", password, "rmte");
        var request = Request("locl:rmte", password);
        var response = new byte[IceLiteAgent.MaxResponseLength];

        for (var bit = 0; bit < request.Length * 8; bit++)
        {
            var flipped = (byte[])request.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Equal(StunOutcome.Dropped, agent.Handle(flipped, V4(), response, out var responseLength));
            Assert.Equal(0, responseLength);
        }
        Assert.Equal(0, agent.Counters.Answered);
    }

    [Fact]
    public void RandomGarbageNeverThrowsAndIsNeverAnswered()
    {
        var agent = new IceLiteAgent("locl", IceLiteAgent.NewPassword(), "rmte");
        var random = new Random(5389);
        var response = new byte[IceLiteAgent.MaxResponseLength];
        for (var i = 0; i < 5000; i++)
        {
            var packet = new byte[random.Next(0, 200)];
            random.NextBytes(packet);
            if (packet.Length >= 8 && i % 2 == 0)
            {
                // Half of them look like STUN: first bits 0, the cookie, a length that matches.
                packet[0] &= 0x03;
                BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)((packet.Length - 20) & 0xFFFF));
                BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), 0x2112A442);
            }
            Assert.Equal(StunOutcome.Dropped, agent.Handle(packet, V4(), response, out var responseLength));
            Assert.Equal(0, responseLength);
        }
        Assert.Equal(5000, agent.Counters.Malformed + agent.Counters.UnknownUser + agent.Counters.BadIntegrity);
    }

    [Fact]
    public void UseCandidateNominatesTheSendersAddress()
    {
        var password = IceLiteAgent.NewPassword();
        var agent = new IceLiteAgent("locl", password, "rmte");
        var first = V4("198.51.100.7", 50000);
        var nominated = V6("2001:db8::9", 50001);

        Assert.Equal(StunOutcome.Answered, Handle(agent, Request("locl:rmte", password), first).Outcome);
        Assert.Null(agent.Selected);

        var transactionId = RandomNumberGenerator.GetBytes(12);
        var (outcome, response) = Handle(agent, Request("locl:rmte", password, useCandidate: true, transactionId: transactionId), nominated);

        Assert.Equal(StunOutcome.Nominated, outcome);
        VerifyResponse(response, transactionId, password);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::9"), 50001), new IPEndPoint(IPAddress.IPv6Any, 0).Create(agent.Selected!));
        Assert.Equal(1, agent.Counters.Nominations);
        Assert.Equal(2, agent.Counters.Answered);

        // Selected is a copy: the receive loop reuses its SocketAddress for the next datagram.
        var selected = agent.Selected;
        nominated.Buffer.Span[8] ^= 0xFF;
        Assert.NotEqual(nominated, agent.Selected);
        Assert.Same(selected, agent.Selected);
    }

    [Fact]
    public void AnsweringAndDroppingAllocateNothing()
    {
        // The agent runs on the receive thread, where nothing may allocate per packet.
        var password = IceLiteAgent.NewPassword();
        var agent = new IceLiteAgent("locl", password, "rmte");
        var check = Request("locl:rmte", password);
        var nomination = Request("locl:rmte", password, useCandidate: true);
        var bad = Request("locl:rmte", IceLiteAgent.NewPassword());
        var from = V4();
        var response = new byte[IceLiteAgent.MaxResponseLength];
        agent.Handle(nomination, from, response, out _); // the one allocation: the selected address
        agent.Handle(check, from, response, out _); // warm-up

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            agent.Handle(check, from, response, out _);
            agent.Handle(nomination, from, response, out _); // the same address again: no new copy
            agent.Handle(bad, from, response, out _);
            agent.Handle(check.AsSpan(0, 30), from, response, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(2 + 200, agent.Counters.Answered);
    }

    [Fact]
    public void ResponseBufferTooSmallIsDroppedAndCounted()
    {
        var password = IceLiteAgent.NewPassword();
        var agent = new IceLiteAgent("locl", password, "rmte");
        var response = new byte[40];

        Assert.Equal(StunOutcome.Dropped, agent.Handle(Request("locl:rmte", password, useCandidate: true), V4(), response, out var length));
        Assert.Equal(0, length);
        Assert.Equal(1, agent.Counters.ResponseBufferTooSmall);
        Assert.Null(agent.Selected);
    }

    [Fact]
    public void NewCredentialsAreRandomIceChars()
    {
        const string iceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var ufrags = Enumerable.Range(0, 50).Select(_ => IceLiteAgent.NewUfrag()).ToList();
        var passwords = Enumerable.Range(0, 50).Select(_ => IceLiteAgent.NewPassword()).ToList();

        Assert.All(ufrags, u => Assert.Equal(8, u.Length));
        Assert.All(passwords, p => Assert.Equal(24, p.Length));
        Assert.All(ufrags.Concat(passwords), s => Assert.True(s.All(iceChars.Contains), s));
        Assert.Equal(50, ufrags.Distinct().Count());
        Assert.Equal(50, passwords.Distinct().Count());
    }
}
