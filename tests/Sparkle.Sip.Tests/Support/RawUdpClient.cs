using System.Net;
using System.Net.Sockets;
using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Tests.Support;

/// <summary>Sends raw bytes to a stack and reads what comes back.</summary>
public sealed class RawUdpClient : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public RawUdpClient() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public void Send(byte[] bytes, IPEndPoint to) => _socket.SendTo(bytes, to);

    /// <summary>The next message, or null when nothing arrives within the wait.</summary>
    public SipMessage? Receive(TimeSpan wait)
    {
        var buffer = new byte[65535];
        _socket.ReceiveTimeout = (int)wait.TotalMilliseconds;
        try
        {
            var n = _socket.Receive(buffer);
            return SipParser.ParseDatagram(buffer.AsSpan(0, n)).Message;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut || ex.SocketErrorCode == SocketError.WouldBlock)
        {
            return null;
        }
    }

    /// <summary>Skips provisional responses.</summary>
    public SipResponse? ReceiveFinal(TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < deadline)
        {
            if (Receive(deadline - DateTime.UtcNow) is SipResponse { StatusCode: >= 200 } response)
            {
                return response;
            }
        }
        return null;
    }

    /// <summary>The final response with this Call-ID, skipping everything else.</summary>
    public SipResponse? ReceiveFinalFor(string callId, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < deadline)
        {
            if (Receive(deadline - DateTime.UtcNow) is SipResponse { StatusCode: >= 200 } response && response.CallId == callId)
            {
                return response;
            }
        }
        return null;
    }

    public void Dispose() => _socket.Dispose();
}
