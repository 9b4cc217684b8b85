using Sparkle.Media.Jitter;

namespace Sparkle.Media.Tests.Jitter;

public class VideoReorderBufferTests
{
    private static readonly TimeSpan s_noWait = TimeSpan.Zero;

    private static void Push(VideoReorderBuffer buffer, ushort sequence, out ushort[] missing)
    {
        Span<ushort> gaps = stackalloc ushort[64];
        buffer.Push(sequence, sequence * 6000u, marker: sequence % 2 == 0, [(byte)sequence, 1, 2], gaps, out var count);
        missing = gaps[..count].ToArray();
    }

    private static List<ushort> PopAll(VideoReorderBuffer buffer, TimeSpan wait)
    {
        var popped = new List<ushort>();
        var payload = new byte[VideoReorderBuffer.MaxPayload];
        while (buffer.TryPop(payload, wait, out var length, out var sequence, out var timestamp, out var marker))
        {
            Assert.Equal(3, length);
            Assert.Equal((byte)sequence, payload[0]);
            Assert.Equal(sequence * 6000u, timestamp);
            Assert.Equal(sequence % 2 == 0, marker);
            popped.Add(sequence);
        }
        return popped;
    }

    [Fact]
    public void ReorderedPacketsComeOutInSequenceOrder()
    {
        var buffer = new VideoReorderBuffer();
        foreach (ushort s in new[] { 100, 102, 101, 104, 103 })
        {
            Push(buffer, s, out _);
        }
        Assert.Equal([100, 101, 102, 103, 104], PopAll(buffer, s_noWait));
    }

    [Fact]
    public void AGapReportsWhatIsMissingOnceAndIsSteppedOverAfterTheWait()
    {
        var buffer = new VideoReorderBuffer();
        Push(buffer, 65534, out var none);
        Push(buffer, 2, out var missing); // across the wrap: 65535, 0, 1 missing
        Push(buffer, 3, out var noneAgain);

        Assert.Empty(none);
        Assert.Equal([65535, 0, 1], missing);
        Assert.Empty(noneAgain);
        Assert.Equal([65534], PopAll(buffer, TimeSpan.FromSeconds(10))); // waiting for the retransmission
        Push(buffer, 0, out _); // one came back
        Assert.Empty(PopAll(buffer, TimeSpan.FromSeconds(10)));
        Assert.Equal([0, 2, 3], PopAll(buffer, s_noWait)); // 65535 and 1 given up
        Assert.Equal(2, buffer.Statistics.Lost);
    }

    [Fact]
    public void LateDuplicateAndOversizedPacketsAreDropped()
    {
        var buffer = new VideoReorderBuffer();
        Push(buffer, 10, out _);
        Push(buffer, 11, out _);
        Assert.Equal([10, 11], PopAll(buffer, s_noWait));
        Span<ushort> gaps = stackalloc ushort[4];
        Assert.False(buffer.Push(10, 0, false, [1], gaps, out _)); // late
        Assert.True(buffer.Push(12, 0, false, [1], gaps, out _));
        Assert.False(buffer.Push(12, 0, false, [1], gaps, out _)); // duplicate
        Assert.False(buffer.Push(13, 0, false, new byte[VideoReorderBuffer.MaxPayload + 1], gaps, out _));
        Assert.Equal((1L, 1L), (buffer.Statistics.Late, buffer.Statistics.Duplicates));
    }

    [Fact]
    public void AJumpBeyondTheCapacityStartsOver()
    {
        var buffer = new VideoReorderBuffer(capacity: 16);
        Push(buffer, 1, out _);
        Push(buffer, 1000, out var missing);
        Push(buffer, 1001, out _);

        Assert.Empty(missing);
        Assert.Equal([1000, 1001], PopAll(buffer, s_noWait));
        Assert.Equal(1, buffer.Statistics.Resets);
    }

    [Fact]
    public void PushingAndPoppingAllocateNothing()
    {
        var buffer = new VideoReorderBuffer();
        var payload = new byte[1200];
        var destination = new byte[VideoReorderBuffer.MaxPayload];
        Span<ushort> gaps = stackalloc ushort[64];
        ushort sequence = 0;
        for (var warm = 0; warm < 100; warm++)
        {
            buffer.Push(sequence++, 0, false, payload, gaps, out _);
            buffer.TryPop(destination, s_noWait, out _, out _, out _, out _);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            buffer.Push(sequence, 0, false, payload, gaps, out _);
            sequence += (ushort)(i % 10 == 0 ? 2 : 1); // some gaps
            buffer.TryPop(destination, s_noWait, out _, out _, out _, out _);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
