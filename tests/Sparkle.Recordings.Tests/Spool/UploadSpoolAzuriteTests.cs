using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Sparkle.Grains.Recordings;
using Sparkle.Recordings.Tests.Blobs;
using Sparkle.Recordings.Tests.Support;

namespace Sparkle.Recordings.Tests.Spool;

[Collection(AzuriteFixture.Collection)]
public sealed class UploadSpoolAzuriteTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"sparkle-spool-azurite-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task WhileAzuriteIsDownRecordingsWaitAndAllArriveIntactWhenItIsBack()
    {
        // The fixture's own Azurite can be stopped; one given from outside cannot, so then this test runs its own.
        AzuriteServer? own = null;
        AzuriteServer server = azurite.Own ?? (own = await AzuriteServer.StartNewAsync());
        try
        {
            await RunOutageAsync(server);
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
            else
            {
                await server.StartAsync(); // left running for the rest of the collection
            }
        }
    }

    private async Task RunOutageAsync(AzuriteServer server)
    {
        // Few client retries: the spool is what retries here.
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        var store = new RecordingBlobStore(server.ConnectionString, $"spool-{Guid.NewGuid():N}", clientOptions);
        await store.UploadAsync("warm-up", new MemoryStream(new byte[1])); // the container exists before the outage

        var keyRing = new FileKeyRing(Path.Combine(_root, "keys"));
        Guid tenant = Guid.NewGuid();
        var changes = new ConcurrentQueue<bool>();
        var stored = new ConcurrentDictionary<string, bool>();
        await using var spool = new UploadSpool(Path.Combine(_root, "spool"), store, _ => Task.CompletedTask, new UploadSpoolOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromSeconds(1),
        });
        spool.DegradedChanged += changes.Enqueue;

        await server.StopAsync();

        var recordings = new List<(string BlobName, byte[] Plain, WrappedKey Key)>();
        for (int i = 0; i < 5; i++)
        {
            byte[] plain = Sealed.RandomBytes(50_000 + i * 40_000, seed: 100 + i);
            DataKey key = await keyRing.GenerateDataKeyAsync(tenant);
            string file = Path.Combine(_root, $"part-{i}.sealed");
            await File.WriteAllBytesAsync(file, await Sealed.SealAsync(plain, key.Plaintext));
            string name = RecordingBlobStore.NewBlobName();
            await spool.EnqueueAsync(file, name, () => { stored[name] = true; return Task.CompletedTask; });
            recordings.Add((name, plain, key.Wrapped));
        }

        await Eventually.TrueAsync(() => spool.Degraded, "the spool reports the store down");
        Assert.Empty(stored);
        Assert.Equal(5, spool.PendingCount);
        Assert.Equal(recordings.Sum(r => SealedFormat.SealedLength(r.Plain.Length)), spool.PendingBytes);

        await server.StartAsync();
        await Eventually.TrueAsync(() => stored.Count == 5 && spool.PendingCount == 0, "all five stored once Azurite is back");
        Assert.False(spool.Degraded);
        Assert.Equal([true, false], changes);
        Assert.Equal(0, spool.PendingBytes);

        foreach ((string name, byte[] plain, WrappedKey wrapped) in recordings)
        {
            byte[] dataKey = await keyRing.UnwrapAsync(tenant, wrapped);
            long length = await store.GetLengthAsync(name);
            Assert.Equal(plain, await Sealed.OpenAsync(store.OpenRange(name), length, dataKey));
        }
    }
}
