using System.Net.Sockets;
using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Tests.Support;

/// <summary>Raw TCP helpers for transport tests: read one response, see a close, wait for a condition.
/// Every wait is bounded generously, so a slow machine only makes them slower.</summary>
public static class RawTcp
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    public static async Task<SipResponse> ReadResponseAsync(NetworkStream stream, SipStreamFramer framer)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(s_wait);
        while (true)
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            Assert.True(n > 0, "connection closed before a response");
            framer.Append(buffer.AsSpan(0, n));
            if (framer.Next() is { Status: SipParseStatus.Complete, Message: SipResponse response })
            {
                return response;
            }
        }
    }

    /// <summary>Closed means the server ended the stream (EOF or reset) within a generous bound.</summary>
    public static async Task<bool> IsClosedAsync(NetworkStream stream, TimeSpan? within = null)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(within ?? s_wait);
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
                // Drain anything sent before the close.
            }
            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + s_wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached");
            await Task.Delay(10);
        }
    }
}
