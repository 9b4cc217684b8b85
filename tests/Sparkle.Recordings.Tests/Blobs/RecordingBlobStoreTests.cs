using System.Text.RegularExpressions;
using Sparkle.Recordings.Tests.Support;

namespace Sparkle.Recordings.Tests.Blobs;

[Collection(AzuriteFixture.Collection)]
public sealed class RecordingBlobStoreTests(AzuriteFixture azurite)
{
    private RecordingBlobStore NewStore() => new(azurite.ConnectionString, $"test-{Guid.NewGuid():N}");

    [Fact]
    public void BlobNamesAreRandomHexUnderATwoCharacterFolder()
    {
        string[] names = Enumerable.Range(0, 1000).Select(_ => RecordingBlobStore.NewBlobName()).ToArray();
        Assert.All(names, name => Assert.Matches(new Regex("^([0-9a-f]{2})/\\1[0-9a-f]{30}$"), name));
        Assert.Equal(names.Length, names.Distinct().Count());
    }

    [Fact]
    public async Task SealedBlobRoundTripsThroughRangedReads()
    {
        RecordingBlobStore store = NewStore();
        byte[] key = Sealed.NewKey();
        byte[] plain = Sealed.RandomBytes(300_000, seed: 20);
        byte[] sealedBytes = await Sealed.SealAsync(plain, key);
        string name = RecordingBlobStore.NewBlobName();

        await store.UploadAsync(name, new MemoryStream(sealedBytes));
        long length = await store.GetLengthAsync(name);
        Assert.Equal(sealedBytes.Length, length);
        Assert.Equal(plain, await Sealed.OpenAsync(store.OpenRange(name), length, key));

        using var reader = new SealedReader(store.OpenRange(name), length, key);
        byte[] middle = new byte[1000];
        Assert.Equal(1000, await reader.ReadAsync(140_000, middle));
        Assert.Equal(plain.AsSpan(140_000, 1000).ToArray(), middle);
        Assert.Equal(0, await store.OpenRange(name).ReadAsync(length, new byte[10]));

        // Overwrite is allowed.
        byte[] other = await Sealed.SealAsync(plain[..10], key);
        await store.UploadAsync(name, new MemoryStream(other));
        Assert.Equal(other.Length, await store.GetLengthAsync(name));
    }

    [Fact]
    public async Task MissingBlobsAreReportedClearly()
    {
        RecordingBlobStore store = NewStore();
        string name = RecordingBlobStore.NewBlobName();
        var e = await Assert.ThrowsAsync<RecordingBlobMissingException>(() => store.GetLengthAsync(name));
        Assert.Contains(name, e.Message);
        await Assert.ThrowsAsync<RecordingBlobMissingException>(async () => await store.OpenRange(name).ReadAsync(0, new byte[10]));
        Assert.False(await store.DeleteAsync(name));
    }

    [Fact]
    public async Task DeleteSaysWhetherTheBlobExisted()
    {
        RecordingBlobStore store = NewStore();
        string name = RecordingBlobStore.NewBlobName();
        await store.UploadAsync(name, new MemoryStream(new byte[100]));
        Assert.True(await store.DeleteAsync(name));
        Assert.False(await store.DeleteAsync(name));
        await Assert.ThrowsAsync<RecordingBlobMissingException>(() => store.GetLengthAsync(name));
    }
}
