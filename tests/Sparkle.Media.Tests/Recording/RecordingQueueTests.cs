using Sparkle.Media.Recording;

namespace Sparkle.Media.Tests.Recording;

/// <summary>The ring between the media threads and the recorder thread.</summary>
public sealed class RecordingQueueTests
{
    private static byte[] Entry(int index, int length) => Enumerable.Range(0, length).Select(i => (byte)(index * 7 + i)).ToArray();

    [Fact]
    public void EntriesComeOutInOrderAndIntactAcrossManyWrapArounds()
    {
        var queue = new RecordingQueue(initialBytes: 1000, maxBytes: 1000, initialEntries: 8, maxEntries: 8);
        var scratch = new byte[16];
        var random = new Random(7);
        int written = 0, read = 0;
        var lengths = new Queue<int>();
        for (var round = 0; round < 5000; round++)
        {
            // Write a few of varying sizes (empty ones too), then read some: the ring wraps often.
            for (var i = random.Next(0, 4); i > 0; i--)
            {
                var length = random.Next(0, 300);
                if (queue.TryWrite(RecordingItemKind.Video, Entry(written, length), written, flag: length % 2 == 0))
                {
                    lengths.Enqueue(length);
                    written++;
                }
            }
            for (var i = random.Next(0, 4); i > 0 && queue.TryRead(ref scratch, out var item); i--)
            {
                var length = lengths.Dequeue();
                Assert.Equal((read, length, length % 2 == 0), (item.Timestamp, item.Length, item.Flag));
                Assert.True(scratch.AsSpan(0, length).SequenceEqual(Entry(read, length)), $"entry {read} corrupted");
                read++;
            }
        }
        Assert.True(written > 3000, $"only {written} written");
        Assert.True(queue.Refused > 0, "the ring never filled up");
    }

    [Fact]
    public void TheRecorderGrowsAFillingRingUpToTheBoundThenEntriesAreRefusedAndCounted()
    {
        var queue = new RecordingQueue(initialBytes: 1024, maxBytes: 4096, initialEntries: 16, maxEntries: 1024);
        var frame = new byte[100];
        var accepted = 0;
        while (queue.TryWrite(RecordingItemKind.LegPcm, frame, accepted))
        {
            accepted++;
        }
        Assert.Equal(10, accepted);
        Assert.Equal(1, queue.Refused);

        Assert.True(queue.GrowIfNeeded());
        Assert.Equal(2048, queue.Capacity);
        while (queue.TryWrite(RecordingItemKind.LegPcm, frame, accepted))
        {
            accepted++;
        }
        Assert.Equal((20, 2), (accepted, queue.Refused));
        Assert.True(queue.GrowIfNeeded());
        Assert.Equal(4096, queue.Capacity);
        while (queue.TryWrite(RecordingItemKind.LegPcm, frame, accepted))
        {
            accepted++;
        }
        Assert.Equal((40, 3), (accepted, queue.Refused));
        queue.GrowIfNeeded(); // more entries, but the bytes are at their bound: refused from here on, and counted
        Assert.Equal(4096, queue.Capacity);
        Assert.False(queue.TryWrite(RecordingItemKind.LegPcm, frame, accepted));
        Assert.Equal(4, queue.Refused);

        // Nothing was lost or reordered by growing.
        var scratch = Array.Empty<byte>();
        for (var i = 0; i < 40; i++)
        {
            Assert.True(queue.TryRead(ref scratch, out var item));
            Assert.Equal((i, 100), (item.Timestamp, item.Length));
        }
        Assert.False(queue.TryRead(ref scratch, out _));
    }
}
