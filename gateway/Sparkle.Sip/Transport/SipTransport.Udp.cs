using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Transport;

public sealed partial class SipTransport
{
    private async Task UdpReceiveLoopAsync()
    {
        var buffer = new byte[65535];
        EndPoint any = new IPEndPoint(_options.BindAddress.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var local = UdpEndPoint!.Value;
        while (!_cts.IsCancellationRequested)
        {
            try
            {
                var received = await _udp!.ReceiveFromAsync(buffer, SocketFlags.None, any, _cts.Token).ConfigureAwait(false);
                if (received.ReceivedBytes == 0)
                {
                    continue;
                }
                var data = buffer.AsSpan(0, received.ReceivedBytes);
                if (IsKeepAlive(data))
                {
                    continue;
                }
                var remote = new SipEndPoint(SipTransportKind.Udp, (IPEndPoint)received.RemoteEndPoint);
                Deliver(SipParser.ParseDatagram(data), remote, local);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // ICMP port unreachable and the like surface here on Linux: keep receiving.
                _logger.LogDebug("UDP receive: {Message}", ex.Message);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "UDP receive loop error");
            }
        }
    }

    // RFC 5626 keep-alives: CRLF (or CRLFCRLF) datagrams carry no message.
    private static bool IsKeepAlive(ReadOnlySpan<byte> data) => data.TrimStart("\r\n"u8).IsEmpty;
}
