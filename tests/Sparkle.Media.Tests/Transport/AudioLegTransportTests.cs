using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Sparkle.Media.Codecs;
using Sparkle.Media.Mixing;
using Sparkle.Media.Rtp;
using Sparkle.Media.Sdp;
using Sparkle.Media.Srtp;
using Sparkle.Media.Transport;

namespace Sparkle.Media.Tests.Transport;

/// <summary>A real leg transport on loopback, with a raw UDP socket playing the phone.</summary>
public sealed class AudioLegTransportTests : IAsyncLifetime
{
    private static readonly byte[] s_phoneKey = Enumerable.Range(0, 30).Select(i => (byte)(i + 1)).ToArray();
    private static readonly byte[] s_workerKey = Enumerable.Range(0, 30).Select(i => (byte)(200 - i)).ToArray();

    private readonly Observer _observer = new();
    private readonly Socket _phone = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly ConferenceMixer _mixer = new();
    private AudioLegTransport _transport = null!;
    private MixerLeg _leg = null!;
    private SrtpContext _phoneSend = null!;
    private SrtpContext _phoneReceive = null!;
    private IPEndPoint _workerEndpoint = null!;

    public Task InitializeAsync()
    {
        _phone.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _phone.ReceiveTimeout = 5000;
        var allocator = new RtpPortAllocator(IPAddress.Loopback, 41000, 41999);
        var sockets = allocator.Allocate();
        _workerEndpoint = new IPEndPoint(IPAddress.Loopback, sockets.Port);
        _transport = new AudioLegTransport("alice", sockets, 0xA11CE, _observer);
        // The SDP announced a port nobody listens on: symmetric RTP must find the real one.
        var audio = new NegotiatedAudio(AudioCodec.Pcmu, 0, 101, MediaDirection.SendRecv,
            new IPEndPoint(IPAddress.Loopback, 9), new IPEndPoint(IPAddress.Loopback, 9), RtcpMux: true,
            new SrtpKeys(SrtpSuite.AesCm128HmacSha1_80, s_workerKey, s_phoneKey));
        _transport.Apply(audio);
        _leg = _mixer.AddLeg("alice", AudioCodec.Pcmu, _transport);
        _transport.Attach(_leg);
        _transport.Start();
        _phoneSend = SrtpContext.FromKeyMaterial(SrtpSuite.AesCm128HmacSha1_80, s_phoneKey);
        _phoneReceive = SrtpContext.FromKeyMaterial(SrtpSuite.AesCm128HmacSha1_80, s_workerKey);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _transport.DisposeAsync();
        _mixer.Dispose();
        _phone.Dispose();
        _phoneSend.Dispose();
        _phoneReceive.Dispose();
    }

    private void SendFromPhone(ushort seq, byte payloadType, ReadOnlySpan<byte> payload, bool corrupt = false, uint? timestamp = null)
    {
        var buffer = new byte[1500];
        var header = RtpHeader.Write(buffer, false, payloadType, seq, timestamp ?? seq * 160u, 0xB0B);
        payload.CopyTo(buffer.AsSpan(header));
        _phoneSend.ProtectRtp(buffer, header + payload.Length, out var length);
        if (corrupt)
        {
            buffer[header + 1] ^= 0xFF;
        }
        _phone.SendTo(buffer, 0, length, SocketFlags.None, _workerEndpoint);
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 250 && !condition(); i++)
        {
            await Task.Delay(20);
        }
        Assert.True(condition(), "condition not reached within 5 s");
    }

    [Fact]
    public async Task AuthenticMediaReachesTheMixerAndRepliesGoToItsSource()
    {
        var silence = new byte[160];
        G711.Encode(new short[160], silence, aLaw: false);
        for (ushort seq = 1; seq <= 5; seq++)
        {
            SendFromPhone(seq, 0, silence);
        }
        await Until(() => _leg.JitterStatistics.Pushed == 5);
        Assert.Equal(0xB0Bu, _observer.Ssrcs.Single());

        _transport.SendFrame(silence, 160);

        var reply = new byte[1500];
        var received = _phone.Receive(reply);
        Assert.Equal(SrtpStatus.Ok, _phoneReceive.UnprotectRtp(reply.AsSpan(0, received), out var plain));
        Assert.True(RtpHeader.TryParse(reply.AsSpan(0, plain), out var header));
        Assert.Equal(0xA11CEu, header.Ssrc);
        Assert.Equal(0, header.PayloadType);
        Assert.Equal(160, header.PayloadLength);
    }

    [Fact]
    public async Task GarbageAndForgeriesAreCountedAndDropped()
    {
        _phone.SendTo("not rtp at all"u8.ToArray(), _workerEndpoint);
        _phone.SendTo(new byte[] { 0x80 }, _workerEndpoint);
        SendFromPhone(7, 0, new byte[160], corrupt: true);
        var random = new Random(1);
        for (var i = 0; i < 50; i++)
        {
            var junk = new byte[random.Next(1, 300)];
            random.NextBytes(junk);
            junk[0] = 0x80; // looks like RTP version 2
            _phone.SendTo(junk, _workerEndpoint);
        }
        SendFromPhone(8, 0, new byte[160]);

        await Until(() => _leg.JitterStatistics.Pushed == 1);
        Assert.True(_transport.Counters.Garbage >= 2, $"garbage {_transport.Counters.Garbage}");
        Assert.True(_transport.Counters.AuthenticationFailures >= 1);
        Assert.Equal(1, _transport.Counters.RtpReceived);
    }

    [Fact]
    public async Task TelephoneEventsAreReportedOncePerKey()
    {
        var payload = new byte[4];
        TelephoneEventReceiver.Write(payload, '5', false, 10, 160);
        // All packets of one event carry the event's start timestamp (RFC 4733 §2.5.1.2).
        SendFromPhone(20, 101, payload, timestamp: 3200);
        TelephoneEventReceiver.Write(payload, '5', true, 10, 800);
        SendFromPhone(21, 101, payload, timestamp: 3200);
        SendFromPhone(22, 101, payload, timestamp: 3200);
        await Until(() => _transport.Counters.RtpReceived == 3);
        Assert.Equal(["alice:5"], _observer.Digits);
    }

    [Fact]
    public async Task UnknownPayloadTypesAreNotMixed()
    {
        SendFromPhone(30, 96, new byte[40]);
        await Until(() => _transport.Counters.UnknownPayloadType == 1);
        Assert.Equal(0, _leg.JitterStatistics.Pushed);
    }

    [Fact]
    public async Task ReleasingTheLegSendsAnAuthenticatedRtcpBye()
    {
        SendFromPhone(1, 0, new byte[160]); // lets the leg learn where the phone is
        await Until(() => _transport.Counters.RtpReceived == 1);

        await _transport.DisposeAsync();

        var buffer = new byte[1500];
        var length = _phone.Receive(buffer);
        Assert.Equal(PacketKind.Rtcp, RtpDemux.Classify(buffer.AsSpan(0, length)));
        Assert.Equal(SrtpStatus.Ok, _phoneReceive.UnprotectRtcp(buffer.AsSpan(0, length), out var plain));
        var reader = new RtcpReader(buffer.AsSpan(0, plain));
        var types = new List<byte>();
        while (reader.TryReadNext(out var type, out _, out var ssrc, out _))
        {
            types.Add(type);
            Assert.Equal(0xA11CEu, ssrc);
        }
        Assert.Equal([(byte)RtcpPacketType.ReceiverReport, (byte)RtcpPacketType.Goodbye], types);
    }

    [Fact]
    public async Task SenderReportCarriesOurCountsAndTheLossWeSaw()
    {
        foreach (ushort seq in new ushort[] { 1, 2, 3, 5, 6 }) // 4 is lost
        {
            SendFromPhone(seq, 0, new byte[160]);
        }
        await Until(() => _transport.Counters.RtpReceived == 5);
        _transport.SendFrame(new byte[160], 160);
        _transport.SendFrame(new byte[160], 160);
        var buffer = new byte[1500];
        _phone.Receive(buffer);
        _phone.Receive(buffer);

        _transport.SendReport();

        var length = _phone.Receive(buffer);
        Assert.Equal(SrtpStatus.Ok, _phoneReceive.UnprotectRtcp(buffer.AsSpan(0, length), out var plain));
        var reader = new RtcpReader(buffer.AsSpan(0, plain));
        Assert.True(reader.TryReadNext(out var type, out var count, out var ssrc, out var body));
        Assert.Equal((byte)RtcpPacketType.SenderReport, type);
        Assert.Equal(0xA11CEu, ssrc);
        Assert.True(RtcpReader.TryReadSenderInfo(body, out var info));
        Assert.Equal(2u, info.PacketCount);
        Assert.Equal(320u, info.OctetCount);
        Assert.Equal(1, count);
        Assert.True(RtcpReader.TryReadReportBlock(body, isSenderReport: true, 0, out var block));
        Assert.Equal(0xB0Bu, block.Ssrc);
        Assert.Equal(1, block.CumulativeLost);
        Assert.Equal(6u, block.ExtendedHighestSequence);
        Assert.Equal(256 / 6, block.FractionLost);
        Assert.True(reader.TryReadNext(out type, out _, out _, out _));
        Assert.Equal((byte)RtcpPacketType.SourceDescription, type);
    }

    private sealed class Observer : IAudioLegObserver
    {
        public ConcurrentQueue<string> Digits { get; } = new();
        public ConcurrentQueue<uint> Ssrcs { get; } = new();

        public void OnDtmf(string participantId, char digit) => Digits.Enqueue($"{participantId}:{digit}");

        public void OnSsrcLearned(string participantId, uint ssrc) => Ssrcs.Enqueue(ssrc);
    }
}
