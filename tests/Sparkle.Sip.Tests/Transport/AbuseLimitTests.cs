using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Tests.Messages;
using Sparkle.Sip.Tests.Support;
using Sparkle.Sip.Transport;
using static Sparkle.Sip.Tests.Support.RawTcp;

namespace Sparkle.Sip.Tests.Transport;

/// <summary>Issue 14 abuse controls: a per-source token bucket (503 + Retry-After, then silence) and bans after
/// repeated authentication failures, all on a manual clock.</summary>
public sealed class AbuseLimitTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    private static byte[] Register(RawUdpClient client, string id) => Encoding.ASCII.GetBytes(
        MalformedCorpus.Render(MalformedCorpus.Template.Replace("OPTIONS", "REGISTER"), client.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), id));

    [Fact]
    public async Task RequestsOverASourcesRateGet503WithRetryAfterThenNothingUntilTheBucketRefills()
    {
        var clock = new ManualTimeProvider();
        await using var stack = TestStack.Start(configure: o =>
        {
            o.Time = clock;
            // Loopback is exempt by default (the bench); here it stands for any outside address.
            o.Abuse = new SipAbuseOptions { RequestsPerSecond = 5, RequestBurst = 10, ExemptNetworks = [] };
        });
        using var client = new RawUdpClient();
        var target = stack.Transport.UdpEndPoint!.Value.Address;

        for (var i = 0; i < 10; i++)
        {
            client.Send(Register(client, $"burst-{i}"), target);
            Assert.Equal(200, client.ReceiveFinalFor($"burst-{i}@torture", s_wait)?.StatusCode);
        }
        client.Send(Register(client, "over-1"), target);
        var busy = client.ReceiveFinalFor("over-1@torture", s_wait);
        Assert.Equal(503, busy?.StatusCode);
        Assert.Equal("1", busy!.Headers.Get(HeaderNames.RetryAfter));

        // Within the same second a flood gets no answer at all.
        client.Send(Register(client, "over-2"), target);
        await WaitUntilAsync(() => stack.Transport.Guard.RateDropped == 1);
        Assert.Equal(1, stack.Transport.Guard.RateRejected);

        clock.Advance(TimeSpan.FromSeconds(1));
        client.Send(Register(client, "refilled"), target);
        Assert.Equal(200, client.ReceiveFinalFor("refilled@torture", s_wait)?.StatusCode);
    }

    [Fact]
    public async Task LoopbackIsExemptByDefault()
    {
        await using var stack = TestStack.Start(configure: o => o.Abuse = new SipAbuseOptions { RequestsPerSecond = 1, RequestBurst = 1 });
        using var client = new RawUdpClient();
        var target = stack.Transport.UdpEndPoint!.Value.Address;

        for (var i = 0; i < 20; i++)
        {
            client.Send(Register(client, $"local-{i}"), target);
            Assert.Equal(200, client.ReceiveFinalFor($"local-{i}@torture", s_wait)?.StatusCode);
        }
        Assert.Equal(0, stack.Transport.Guard.RateRejected + stack.Transport.Guard.RateDropped);
    }

    [Fact]
    public void TenAuthFailuresInAMinuteBanTheSourceForTenMinutesWithOneLogLine()
    {
        var clock = new ManualTimeProvider();
        var logger = new CountingLogger();
        using var guard = new SipAbuseGuard(new SipAbuseOptions { ExemptNetworks = [] }, clock, logger);
        var attacker = IPAddress.Parse("192.0.2.7");
        var request = SipParser.ParseDatagram(Encoding.ASCII.GetBytes(MalformedCorpus.Render(MalformedCorpus.Template, "5060", "ban"))).Message!;

        for (var i = 0; i < 9; i++)
        {
            guard.RecordAuthFailure(attacker);
            clock.Advance(TimeSpan.FromSeconds(5));
        }
        Assert.Equal(SipAbuseVerdict.Allow, guard.Check(attacker, request));
        guard.RecordAuthFailure(attacker);

        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(SipAbuseVerdict.Drop, guard.Check(attacker, request));
        }
        Assert.Equal(SipAbuseVerdict.Allow, guard.Check(IPAddress.Parse("192.0.2.8"), request));
        Assert.Equal(1, guard.Bans);
        Assert.Equal(1000, guard.BannedDrops);
        Assert.Equal(1, logger.Warnings);

        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(SipAbuseVerdict.Allow, guard.Check(attacker, request));
    }

    [Fact]
    public void FailuresSpreadOverMoreThanTheWindowDoNotBan()
    {
        var clock = new ManualTimeProvider();
        using var guard = new SipAbuseGuard(new SipAbuseOptions { ExemptNetworks = [] }, clock, new CountingLogger());
        var user = IPAddress.Parse("192.0.2.9");

        for (var i = 0; i < 30; i++)
        {
            guard.RecordAuthFailure(user);
            clock.Advance(TimeSpan.FromSeconds(7));
        }

        Assert.False(guard.IsBanned(user));
        Assert.Equal(0, guard.Bans);
    }

    [Fact]
    public async Task BannedSourceIsIgnoredOnUdpAndRefusedOnTcp()
    {
        var clock = new ManualTimeProvider();
        await using var stack = TestStack.Start(configure: o =>
        {
            o.Time = clock;
            o.Abuse = new SipAbuseOptions { ExemptNetworks = [] };
        });
        for (var i = 0; i < 10; i++)
        {
            stack.Transport.Guard.RecordAuthFailure(IPAddress.Loopback);
        }
        using var client = new RawUdpClient();

        client.Send(Register(client, "banned"), stack.Transport.UdpEndPoint!.Value.Address);
        await WaitUntilAsync(() => stack.Transport.Guard.BannedDrops == 1);
        using var tcp = new System.Net.Sockets.TcpClient();
        var refused = false;
        try
        {
            await tcp.ConnectAsync(stack.Transport.TcpEndPoint!.Value.Address);
            refused = await IsClosedAsync(tcp.GetStream());
        }
        catch (System.Net.Sockets.SocketException)
        {
            refused = true;
        }
        Assert.True(refused, "a banned address got a TCP connection");

        clock.Advance(TimeSpan.FromMinutes(10));
        client.Send(Register(client, "forgiven"), stack.Transport.UdpEndPoint!.Value.Address);
        Assert.Equal(200, client.ReceiveFinalFor("forgiven@torture", s_wait)?.StatusCode);
    }

    private sealed class CountingLogger : ILogger
    {
        private int _warnings;

        public int Warnings => Volatile.Read(ref _warnings);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                Interlocked.Increment(ref _warnings);
            }
        }
    }
}
