using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Sparkle.Media.Rtp;
using Sparkle.Media.Sdp;
using Sparkle.Media.Srtp;
using Sparkle.Media.Transport;
using Sparkle.Video.Codecs;
using Sparkle.Video.Rtp;

namespace Sparkle.Media.Tests.Transport;

/// <summary>A real video leg transport on loopback over SRTP with rtcp-mux, a raw UDP socket playing the
/// phone: the shared stream's packets get the leg's own numbering, NACKed ones come back from the
/// stream's history, PLI reaches the stream, and a gap in what the phone sends is NACKed at once.</summary>
public sealed class VideoLegTransportTests : IAsyncLifetime
{
    private const uint WorkerSsrc = 0xABCD;
    private static readonly byte[] s_phoneKey = Enumerable.Range(0, 30).Select(i => (byte)(i + 3)).ToArray();
    private static readonly byte[] s_workerKey = Enumerable.Range(0, 30).Select(i => (byte)(180 - i)).ToArray();

    private readonly Socket _phone = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Source _source = new();
    private readonly SrtpContext _phoneSend = SrtpContext.FromKeyMaterial(SrtpSuite.AesCm128HmacSha1_80, s_phoneKey);
    private readonly SrtpContext _phoneReceive = SrtpContext.FromKeyMaterial(SrtpSuite.AesCm128HmacSha1_80, s_workerKey);
    private VideoLegTransport _transport = null!;
    private IPEndPoint _worker = null!;

    public Task InitializeAsync()
    {
        _phone.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _phone.ReceiveTimeout = 5000;
        var sockets = new RtpPortAllocator(IPAddress.Loopback, 46000, 46999).Allocate();
        _worker = new IPEndPoint(IPAddress.Loopback, sockets.Port);
        _transport = new VideoLegTransport("phone", sockets, WorkerSsrc, new Observer());
        var phone = (IPEndPoint)_phone.LocalEndPoint!;
        _transport.Apply(new NegotiatedVideo(VideoCodec.H264, 96, "packetization-mode=1", MediaDirection.SendRecv, phone, phone,
            RtcpMux: true, new SrtpKeys(SrtpSuite.AesCm128HmacSha1_80, s_workerKey, s_phoneKey), VideoFeedbackTypes.Nack | VideoFeedbackTypes.Pli, 0));
        _transport.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _transport.DisposeAsync();
        _phone.Dispose();
        _phoneSend.Dispose();
        _phoneReceive.Dispose();
    }

    /// <summary>The next RTP packet, decrypted unless the phone "loses" it (then only its clear header is read).</summary>
    private (RtpHeader Header, byte[] Payload) ReceiveRtp(bool lose = false)
    {
        var buffer = new byte[1500];
        while (true)
        {
            var length = _phone.Receive(buffer);
            if (RtpDemux.Classify(buffer.AsSpan(0, length)) != PacketKind.Rtp)
            {
                continue;
            }
            if (!lose)
            {
                Assert.Equal(SrtpStatus.Ok, _phoneReceive.UnprotectRtp(buffer.AsSpan(0, length), out length));
            }
            Assert.True(RtpHeader.TryParse(buffer.AsSpan(0, length), out var header));
            return (header, lose ? [] : header.Payload(buffer.AsSpan(0, length)).ToArray());
        }
    }

    private byte[] ReceiveRtcp()
    {
        var buffer = new byte[1500];
        while (true)
        {
            var length = _phone.Receive(buffer);
            if (RtpDemux.Classify(buffer.AsSpan(0, length)) == PacketKind.Rtcp)
            {
                Assert.Equal(SrtpStatus.Ok, _phoneReceive.UnprotectRtcp(buffer.AsSpan(0, length), out length));
                return buffer[..length];
            }
        }
    }

    private void SendRtcp(Func<byte[], int, int> append)
    {
        var packet = new byte[256];
        var length = RtcpWriter.WriteReceiverReport(packet, 0x5555, []);
        length += append(packet, length);
        Assert.Equal(SrtpStatus.Ok, _phoneSend.ProtectRtcp(packet, length, out length));
        _phone.SendTo(packet.AsSpan(0, length), SocketFlags.None, _worker);
    }

    private void SendRtp(ushort sequence)
    {
        var packet = new byte[12 + 100 + 16];
        RtpHeader.Write(packet, false, 96, sequence, 9000, 0x5555);
        packet[12] = 1; // a non-IDR slice NAL header
        Assert.Equal(SrtpStatus.Ok, _phoneSend.ProtectRtp(packet, 112, out var length));
        _phone.SendTo(packet.AsSpan(0, length), SocketFlags.None, _worker);
    }

    [Fact]
    public async Task SharedPacketsGetTheLegsNumberingAndNackedOnesAreResentFromTheHistory()
    {
        _transport.AttachSource(_source, nextIndex: 1000);
        for (uint index = 1000; index < 1005; index++)
        {
            var payload = new byte[] { 0x41, (byte)index, 7 };
            _source.Sent[(ushort)index] = payload;
            _transport.SendPacket(payload, marker: index == 1004, index, timestamp: 90_000);
        }
        var received = Enumerable.Range(0, 5).Select(i => ReceiveRtp(lose: i == 2)).ToList();
        Assert.All(received, r => Assert.Equal((WorkerSsrc, (byte)96), (r.Header.Ssrc, r.Header.PayloadType)));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => (ushort)(received[0].Header.SequenceNumber + i)), received.Select(r => r.Header.SequenceNumber));
        Assert.True(received[4].Header.Marker);

        // The phone lost the third one.
        var lost = received[2].Header.SequenceNumber;
        SendRtcp((packet, offset) => RtcpFeedback.WriteGenericNack(packet.AsSpan(offset), 0x5555, WorkerSsrc, [lost]));
        var resent = ReceiveRtp();
        Assert.Equal((lost, received[2].Header.Timestamp), (resent.Header.SequenceNumber, resent.Header.Timestamp));
        Assert.Equal(_source.Sent[1002], resent.Payload);

        // PLI for our stream reaches the shared encoder.
        SendRtcp((packet, offset) => VideoFeedback.WritePictureLoss(packet.AsSpan(offset), 0x5555, WorkerSsrc));
        for (var i = 0; i < 100 && _source.KeyFrameRequests == 0; i++)
        {
            await Task.Delay(20);
        }
        Assert.Equal(1, _source.KeyFrameRequests);
        Assert.Equal(1, _transport.Counters.Retransmitted);
    }

    [Fact]
    public void AGapInWhatThePhoneSendsIsNackedAtOnce()
    {
        SendRtp(10);
        SendRtp(11);
        SendRtp(14);

        var rtcp = ReceiveRtcp();
        var reader = new RtcpReader(rtcp);
        ushort[]? nacked = null;
        while (reader.TryReadNext(out var type, out var format, out _, out var body))
        {
            if (type == (byte)RtcpPacketType.TransportFeedback && format == RtcpFeedback.GenericNackFormat)
            {
                Assert.Equal(0x5555u, BinaryPrimitives.ReadUInt32BigEndian(body));
                var lost = new ushort[16];
                nacked = lost[..RtcpFeedback.ReadGenericNack(body[4..], lost)];
            }
        }
        Assert.Equal([12, 13], nacked);
        Assert.Equal(3, _transport.Incoming.Buffered);
    }

    private sealed class Source : IVideoSendSource
    {
        private int _keyFrameRequests;

        public ConcurrentDictionary<ushort, byte[]> Sent { get; } = new();

        public int KeyFrameRequests => Volatile.Read(ref _keyFrameRequests);

        public void RequestKeyFrame() => Interlocked.Increment(ref _keyFrameRequests);

        public bool TryGetPacket(ushort index16, Span<byte> destination, out int length, out bool marker, out uint timestamp)
        {
            length = 0;
            marker = false;
            timestamp = 90_000;
            if (!Sent.TryGetValue(index16, out var payload))
            {
                return false;
            }
            payload.CopyTo(destination);
            length = payload.Length;
            return true;
        }
    }

    private sealed class Observer : IVideoLegObserver
    {
        public void OnVideoSsrcLearned(string participantId, uint ssrc)
        {
        }
    }
}
