using System.Net;
using System.Net.Sockets;
using Sparkle.Media.Codecs;
using Sparkle.Media.Rtp;
using Sparkle.Media.Sdp;

namespace Sparkle.Media.Tests.Worker;

/// <summary>A PCMU phone on loopback: offers SDP, sends a tone (or silence) every 20 ms, records the
/// audio it receives.</summary>
internal sealed class FakePhone : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<short> _heard = [];
    private readonly Lock _lock = new();
    private IPEndPoint? _worker;
    private Task _receive = Task.CompletedTask;
    private ushort _seq = 100;
    private uint _timestamp = 5000;
    private long _sample;

    public FakePhone(double toneHz)
    {
        ToneHz = toneHz;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public double ToneHz { get; set; }
    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public string Offer() =>
        "v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
        $"m=audio {Port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";

    public void Connect(string answer)
    {
        Assert.True(SessionDescription.TryParse(answer, out var sdp, out _));
        _worker = new IPEndPoint(IPAddress.Parse(sdp.ConnectionAddressFor(sdp.Media[0])!), sdp.Media[0].Port);
        _receive = Task.Run(ReceiveAsync);
    }

    public void SendFrame()
    {
        var pcm = new short[160];
        for (var i = 0; i < 160; i++)
        {
            pcm[i] = ToneHz <= 0 ? (short)0 : (short)(8000 * Math.Sin(2 * Math.PI * ToneHz * (_sample + i) / 8000));
        }
        _sample += 160;
        var packet = new byte[172];
        RtpHeader.Write(packet, false, 0, _seq++, _timestamp, (uint)Port);
        _timestamp += 160;
        G711.Encode(pcm, packet.AsSpan(12), aLaw: false);
        _socket.SendTo(packet, _worker!);
    }

    /// <summary>A frame the network drops: its sequence number and time pass, nothing is sent.</summary>
    public void LoseFrame()
    {
        _sample += 160;
        _seq++;
        _timestamp += 160;
    }

    public void SendDigit(char digit)
    {
        var packet = new byte[16];
        RtpHeader.Write(packet, true, 101, _seq++, _timestamp, (uint)Port);
        TelephoneEventReceiver.Write(packet.AsSpan(12), digit, end: true, 10, 800);
        _socket.SendTo(packet, _worker!);
    }

    public short[] Heard()
    {
        lock (_lock)
        {
            return [.. _heard];
        }
    }

    public void ClearHeard()
    {
        lock (_lock)
        {
            _heard.Clear();
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1500];
        var pcm = new short[1500];
        while (!_stop.IsCancellationRequested)
        {
            int n;
            try
            {
                n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            if (RtpHeader.TryParse(buffer.AsSpan(0, n), out var header) && header.PayloadType == 0)
            {
                var payload = header.Payload(buffer.AsSpan(0, n));
                G711.Decode(payload, pcm, aLaw: false);
                lock (_lock)
                {
                    _heard.AddRange(pcm.AsSpan(0, payload.Length));
                }
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _receive.Wait(TimeSpan.FromSeconds(2));
        _stop.Dispose();
    }
}
