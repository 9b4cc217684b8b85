using System.Net;
using System.Net.Sockets;

namespace Sparkle.Media.Transport;

/// <summary>Hands out even/odd port pairs from a configured range, round robin, binding both sockets
/// before returning so no other process can take them in between.</summary>
public sealed class RtpPortAllocator
{
    private readonly IPAddress _bindAddress;
    private readonly int _min;
    private readonly int _max;
    private readonly Lock _lock = new();
    private int _next;

    public RtpPortAllocator(IPAddress bindAddress, int min, int max)
    {
        if (min < 1024 || max > 65535 || max - min < 2)
        {
            throw new ArgumentException($"Bad RTP port range {min}-{max}.");
        }
        _bindAddress = bindAddress;
        _min = min + (min & 1);
        _max = max;
        _next = _min;
    }

    public RtpSocketPair Allocate()
    {
        lock (_lock)
        {
            var pairs = (_max - _min) / 2;
            for (var attempt = 0; attempt < pairs; attempt++)
            {
                var port = _next;
                _next += 2;
                if (_next + 1 > _max)
                {
                    _next = _min;
                }
                var rtp = TryBind(port);
                if (rtp is null)
                {
                    continue;
                }
                var rtcp = TryBind(port + 1);
                if (rtcp is null)
                {
                    rtp.Dispose();
                    continue;
                }
                return new RtpSocketPair(rtp, rtcp, port);
            }
        }
        throw new InvalidOperationException($"No free RTP port pair in {_min}-{_max}.");
    }

    private Socket? TryBind(int port)
    {
        var socket = new Socket(_bindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(_bindAddress, port));
            // Room for bursts from 100 legs while the mixer thread holds the CPU.
            socket.ReceiveBufferSize = 256 * 1024;
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }
}
