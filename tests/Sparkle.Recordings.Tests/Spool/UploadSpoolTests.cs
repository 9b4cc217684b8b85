using System.Collections.Concurrent;
using Sparkle.Recordings.Tests.Support;

namespace Sparkle.Recordings.Tests.Spool;

public sealed class UploadSpoolTests : IDisposable
{
    private static readonly UploadSpoolOptions s_fast = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(100),
    };

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"sparkle-spool-{Guid.NewGuid():N}");

    public UploadSpoolTests() => Directory.CreateDirectory(_root);

    private string SpoolFolder => Path.Combine(_root, "spool");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task UploadsInOrderDeletesTheFileThenReports()
    {
        var store = new FlakyBlobStore();
        var reported = new ConcurrentQueue<string>();
        await using var spool = new UploadSpool(SpoolFolder, store, _ => Task.CompletedTask, s_fast);
        var files = new Dictionary<string, byte[]>();
        for (int i = 0; i < 10; i++)
        {
            string name = RecordingBlobStore.NewBlobName();
            files[name] = await WriteFileAsync(1000 + i, seed: i);
            await spool.EnqueueAsync(Path.Combine(_root, $"{1000 + i}.bin"), name, () =>
            {
                // The local copy is gone by the time the item is reported.
                Assert.False(SpoolHolds(files[name]));
                reported.Enqueue(name);
                return Task.CompletedTask;
            });
        }
        await Eventually.TrueAsync(() => spool.PendingCount == 0, "all ten stored and reported");

        Assert.Equal(files.Keys, store.UploadOrder);
        Assert.Equal(files.Keys, reported);
        Assert.All(files, f => Assert.Equal(f.Value, store.Blobs[f.Key]));
        Assert.Empty(Directory.GetFiles(SpoolFolder));
        Assert.Equal(0, spool.PendingBytes);
        Assert.False(spool.Degraded);
    }

    [Fact]
    public async Task AStoreThatIsDownDegradesTheSpoolAndLosesNothing()
    {
        var store = new FlakyBlobStore { Down = true };
        var changes = new ConcurrentQueue<bool>();
        int reported = 0;
        await using var spool = new UploadSpool(SpoolFolder, store, _ => Task.CompletedTask, s_fast);
        spool.DegradedChanged += changes.Enqueue;
        await WriteFileAsync(1, seed: 1);
        await spool.EnqueueAsync(Path.Combine(_root, "1.bin"), "a", () => { Interlocked.Increment(ref reported); return Task.CompletedTask; });

        await Eventually.TrueAsync(() => spool.Degraded, "degraded while the store is down");
        Assert.False(File.Exists(Path.Combine(_root, "1.bin"))); // moved into the spool
        Assert.Equal(1, spool.PendingCount);
        Assert.Equal(1, spool.PendingBytes);

        store.Down = false;
        await Eventually.TrueAsync(() => Volatile.Read(ref reported) == 1, "reported once the store is back");
        Assert.False(spool.Degraded);
        Assert.Equal([true, false], changes);
        Assert.Single(store.Blobs);
    }

    [Fact]
    public async Task AStoreSlowerThanTheUploadTimeoutCountsAsDegraded()
    {
        var store = new FlakyBlobStore { Hang = true };
        await using var spool = new UploadSpool(SpoolFolder, store, _ => Task.CompletedTask, new UploadSpoolOptions
        {
            UploadTimeout = TimeSpan.FromMilliseconds(50),
            InitialBackoff = s_fast.InitialBackoff,
            MaxBackoff = s_fast.MaxBackoff,
        });
        await WriteFileAsync(77, seed: 1);
        await spool.EnqueueAsync(Path.Combine(_root, "77.bin"), "slow", () => Task.CompletedTask);
        await Eventually.TrueAsync(() => spool.Degraded, "degraded while uploads time out");

        store.Hang = false;
        await Eventually.TrueAsync(() => spool.PendingCount == 0 && !spool.Degraded, "stored once the store is fast again");
        Assert.Single(store.Blobs);
    }

    [Fact]
    public async Task BeyondTheBudgetEnqueueWaitsInsteadOfDropping()
    {
        var store = new FlakyBlobStore { Down = true };
        await using var spool = new UploadSpool(SpoolFolder, store, _ => Task.CompletedTask, new UploadSpoolOptions
        {
            BudgetBytes = 1000,
            InitialBackoff = s_fast.InitialBackoff,
            MaxBackoff = s_fast.MaxBackoff,
        });
        await WriteFileAsync(600, seed: 1);
        await WriteFileAsync(601, seed: 2);
        await spool.EnqueueAsync(Path.Combine(_root, "600.bin"), "first", () => Task.CompletedTask);
        Task second = spool.EnqueueAsync(Path.Combine(_root, "601.bin"), "second", () => Task.CompletedTask);

        // Once the spool has failed to upload a few times, the second enqueue is still waiting for room.
        await Eventually.TrueAsync(() => store.FailedUploads >= 3, "three failed uploads");
        Assert.False(second.IsCompleted);
        Assert.Equal(600, spool.PendingBytes);

        store.Down = false;
        await second;
        await Eventually.TrueAsync(() => spool.PendingCount == 0, "both stored");
        Assert.Equal(["first", "second"], store.UploadOrder);
    }

    [Fact]
    public async Task AFailingReportIsRetriedWithoutHoldingUpUploads()
    {
        var store = new FlakyBlobStore();
        int attempts = 0;
        await using var spool = new UploadSpool(SpoolFolder, store, _ => Task.CompletedTask, s_fast);
        await WriteFileAsync(10, seed: 1);
        await WriteFileAsync(11, seed: 2);
        await spool.EnqueueAsync(Path.Combine(_root, "10.bin"), "a", () =>
            Interlocked.Increment(ref attempts) < 4 ? throw new InvalidOperationException("grain unavailable (test)") : Task.CompletedTask);
        await spool.EnqueueAsync(Path.Combine(_root, "11.bin"), "b", () => Task.CompletedTask);

        await Eventually.TrueAsync(() => spool.PendingCount == 0, "reported after retries");
        Assert.Equal(4, attempts);
        Assert.Equal(2, store.Blobs.Count);
        Assert.False(spool.Degraded);
    }

    [Fact]
    public async Task ARestartPicksUpWhatWasLeftAndReportsItThroughTheRecoveredCallback()
    {
        var store = new FlakyBlobStore { Down = true };
        var originals = new Dictionary<string, byte[]>();
        await using (var spool = new UploadSpool(SpoolFolder, store, _ => Task.CompletedTask, s_fast))
        {
            for (int i = 0; i < 3; i++)
            {
                string name = RecordingBlobStore.NewBlobName();
                originals[name] = await WriteFileAsync(500 + i, seed: i);
                await spool.EnqueueAsync(Path.Combine(_root, $"{500 + i}.bin"), name, $"{{\"part\":{i}}}", () => throw new InvalidOperationException("the old process's callback must not run"));
            }
            await Eventually.TrueAsync(() => spool.Degraded, "degraded");
        }
        Assert.Equal(3, Directory.GetFiles(SpoolFolder, "*.sealed").Length);

        store.Down = false;
        var recovered = new ConcurrentQueue<SpoolItem>();
        await using (var restarted = new UploadSpool(SpoolFolder, store, item => { recovered.Enqueue(item); return Task.CompletedTask; }, s_fast))
        {
            await Eventually.TrueAsync(() => restarted.PendingCount == 0, "recovered items stored and reported");
            // New work after a restart continues the sequence.
            await WriteFileAsync(9, seed: 9);
            await restarted.EnqueueAsync(Path.Combine(_root, "9.bin"), "after", () => Task.CompletedTask);
            await Eventually.TrueAsync(() => restarted.PendingCount == 0, "the new item stored");
        }

        Assert.Equal(originals.Keys, recovered.Select(item => item.BlobName));
        Assert.Equal(["{\"part\":0}", "{\"part\":1}", "{\"part\":2}"], recovered.Select(item => item.Metadata));
        Assert.All(originals, o => Assert.Equal(o.Value, store.Blobs[o.Key]));
        Assert.Equal([.. originals.Keys, "after"], store.UploadOrder);
        Assert.Empty(Directory.GetFiles(SpoolFolder));
    }

    [Fact]
    public async Task EnqueueRefusesAMissingFileAndADisposedSpool()
    {
        var spool = new UploadSpool(SpoolFolder, new FlakyBlobStore(), _ => Task.CompletedTask, s_fast);
        await Assert.ThrowsAsync<FileNotFoundException>(() => spool.EnqueueAsync(Path.Combine(_root, "nope"), "x", () => Task.CompletedTask));
        await spool.DisposeAsync();
        await WriteFileAsync(5, seed: 5);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => spool.EnqueueAsync(Path.Combine(_root, "5.bin"), "x", () => Task.CompletedTask));
    }

    private bool SpoolHolds(byte[] content)
    {
        foreach (string file in Directory.GetFiles(SpoolFolder, "*.sealed"))
        {
            try
            {
                if (File.ReadAllBytes(file).AsSpan().SequenceEqual(content))
                {
                    return true;
                }
            }
            catch (FileNotFoundException)
            {
                // Uploaded and deleted meanwhile.
            }
        }
        return false;
    }

    private async Task<byte[]> WriteFileAsync(int length, int seed)
    {
        byte[] content = Sealed.RandomBytes(length, seed);
        await File.WriteAllBytesAsync(Path.Combine(_root, $"{length}.bin"), content);
        return content;
    }
}
