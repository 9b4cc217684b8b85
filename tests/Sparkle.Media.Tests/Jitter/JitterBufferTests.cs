using Sparkle.Media.Jitter;

namespace Sparkle.Media.Tests.Jitter;

public class JitterBufferTests
{
    private static readonly long s_tick = TimeSpan.TicksPerMillisecond * 20;

    private static byte[] Payload(int seq) => [(byte)seq, (byte)(seq >> 8)];

    private static int Seq(ReadOnlySpan<byte> payload) => payload[0] | (payload[1] << 8);

    [Fact]
    public void ReordersPacketsIntoSequence()
    {
        var buffer = new JitterBuffer(8000);
        foreach (var seq in new[] { 100, 102, 101, 104, 103 })
        {
            Assert.True(buffer.Push((ushort)seq, (uint)(seq * 160), Payload(seq), seq * s_tick));
        }
        var played = new List<int>();
        var payload = new byte[1500];
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(JitterResult.Packet, buffer.Pop(payload, out var length, out _));
            played.Add(Seq(payload.AsSpan(0, length)));
        }
        Assert.Equal([100, 101, 102, 103, 104], played);
    }

    [Fact]
    public void MissingPacketIsReportedLostAndTheNextIsPeekableForFec()
    {
        var buffer = new JitterBuffer(8000);
        buffer.Push(1, 160, Payload(1), 0);
        buffer.Push(3, 480, Payload(3), 2 * s_tick);
        var payload = new byte[1500];

        Assert.Equal(JitterResult.Packet, buffer.Pop(payload, out _, out _));
        Assert.Equal(JitterResult.Lost, buffer.Pop(payload, out _, out _));
        Assert.True(buffer.TryPeekNext(payload, out var length));
        Assert.Equal(3, Seq(payload.AsSpan(0, length)));
        Assert.Equal(JitterResult.Packet, buffer.Pop(payload, out length, out _));
        Assert.Equal(3, Seq(payload.AsSpan(0, length)));
        Assert.Equal(1, buffer.Statistics.Lost);
    }

    [Fact]
    public void LateAndDuplicatePacketsAreDropped()
    {
        var buffer = new JitterBuffer(8000);
        var payload = new byte[1500];
        buffer.Push(10, 1600, Payload(10), 0);
        buffer.Pop(payload, out _, out _);
        buffer.Push(12, 1920, Payload(12), s_tick);
        Assert.False(buffer.Push(9, 1440, Payload(9), s_tick));   // before the playout point
        Assert.False(buffer.Push(10, 1600, Payload(10), s_tick)); // already played
        Assert.False(buffer.Push(12, 1920, Payload(12), s_tick)); // duplicate in the buffer
        Assert.Equal(2, buffer.Statistics.Late);
        Assert.Equal(1, buffer.Statistics.Duplicates);
    }

    [Fact]
    public void AfterTheTalkerStopsItGoesEmptyAndRebuffers()
    {
        var buffer = new JitterBuffer(8000);
        var payload = new byte[1500];
        buffer.Push(1, 160, Payload(1), 0);
        Assert.Equal(JitterResult.Packet, buffer.Pop(payload, out _, out _));
        var results = new List<JitterResult>();
        for (var i = 0; i < 6; i++)
        {
            results.Add(buffer.Pop(payload, out _, out _));
        }
        Assert.Equal(JitterResult.Lost, results[0]);
        Assert.Equal(JitterResult.Empty, results[^1]);
        // A new talk spurt with a sequence jump starts cleanly.
        buffer.Push(500, 80000, Payload(500), 100 * s_tick);
        Assert.Equal(JitterResult.Packet, buffer.Pop(payload, out var length, out _));
        Assert.Equal(500, Seq(payload.AsSpan(0, length)));
    }

    [Fact]
    public void TargetDelayGrowsWithJitter()
    {
        var steady = new JitterBuffer(8000);
        var jittery = new JitterBuffer(8000);
        var random = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            steady.Push((ushort)i, (uint)(i * 160), Payload(i), i * s_tick);
            jittery.Push((ushort)i, (uint)(i * 160), Payload(i), i * s_tick + random.Next(0, 60) * TimeSpan.TicksPerMillisecond);
        }
        Assert.Equal(20, steady.Statistics.TargetDelayMs);
        Assert.True(jittery.Statistics.TargetDelayMs > 40, $"target {jittery.Statistics.TargetDelayMs} ms");
    }

    [Fact]
    public void WaitsForTheTargetDelayBeforePlaying()
    {
        var buffer = new JitterBuffer(8000);
        var random = new Random(5);
        var payload = new byte[1500];
        // Teach it ~20 ms of jitter, then reset the queue by a long gap.
        for (var i = 0; i < 100; i++)
        {
            buffer.Push((ushort)i, (uint)(i * 160), Payload(i), i * s_tick + random.Next(0, 40) * TimeSpan.TicksPerMillisecond);
        }
        while (buffer.Pop(payload, out _, out _) != JitterResult.Empty)
        {
        }
        var target = buffer.Statistics.TargetDelayMs;
        Assert.True(target > 20);
        buffer.Push(1000, 160000, Payload(1000), 1000 * s_tick);
        Assert.Equal(JitterResult.Empty, buffer.Pop(payload, out _, out _)); // one packet is less than the target
        for (var i = 1; i * 20 < target; i++)
        {
            buffer.Push((ushort)(1000 + i), (uint)(160000 + i * 160), Payload(1000 + i), (1000 + i) * s_tick);
        }
        Assert.Equal(JitterResult.Packet, buffer.Pop(payload, out var length, out _));
        Assert.Equal(1000, Seq(payload.AsSpan(0, length)));
    }

    [Fact]
    public void OversizedPayloadIsRefused()
    {
        var buffer = new JitterBuffer(8000);
        Assert.False(buffer.Push(1, 1, new byte[2000], 0));
    }

    [Fact]
    public void ExcessDelayIsShedWhenTheJitterIsLow()
    {
        var buffer = new JitterBuffer(8000);
        var payload = new byte[1500];
        ushort seq = 0;
        // A backlog of three packets (a burst after a stall), then a perfectly steady stream.
        for (; seq < 3; seq++)
        {
            buffer.Push(seq, seq * 160u, Payload(seq), seq * s_tick);
        }
        for (var i = 0; i < 200; i++, seq++)
        {
            buffer.Push(seq, seq * 160u, Payload(seq), seq * s_tick);
            Assert.NotEqual(JitterResult.Lost, buffer.Pop(payload, out _, out _));
        }
        Assert.Equal(0, buffer.Buffered); // one packet in, one out: nothing waits any more
        Assert.Equal(20, buffer.TargetDelayMs);
    }
}
