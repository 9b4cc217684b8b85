using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Sparkle.Media.Transport;

/// <summary>Hands out even/odd port pairs from a configured range, binding both sockets before returning so
/// no other process can take them in between. Each search starts at a random pair, so that a leg's port
/// cannot be guessed from another's (ports handed out in order are easy to scan for a leg to hijack).</summary>
public sealed class RtpPortAllocator
{
    private readonly IPAddress _bindAddress;
    private readonly int _min;
    private readonly int _max;
    private readonly Lock _lock = new();

    public RtpPortAllocator(IPAddress bindAddress, int min, int max)
    {
        if (min < 1024 || max > 65535 || max - min < 2)
        {
            throw new ArgumentException($"Bad RTP port range {min}-{max}.");
        }
        _bindAddress = bindAddress;
        _min = min + (min & 1);
        _max = max;
    }

    public RtpSocketPair Allocate()
    {
        lock (_lock)
        {
            var pairs = (_max - _min + 1) / 2;
            var first = RandomNumberGenerator.GetInt32(pairs);
            for (var attempt = 0; attempt < pairs; attempt++)
            {
                var port = _min + 2 * ((first + attempt) % pairs);
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
