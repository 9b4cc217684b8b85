using System.Text;
using Sparkle.Grains.Recordings;

namespace Sparkle.Recordings.Tests.Keys;

public sealed class FileKeyRingTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"sparkle-keys-{Guid.NewGuid():N}", "tenants");
    private readonly Guid _tenant = Guid.NewGuid();

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);

    [Fact]
    public async Task WrapsAFreshDataKeyAndUnwrapsIt()
    {
        var ring = new FileKeyRing(_folder);
        DataKey first = await ring.GenerateDataKeyAsync(_tenant);
        DataKey second = await ring.GenerateDataKeyAsync(_tenant);

        Assert.Equal(32, first.Plaintext.Length);
        Assert.NotEqual(first.Plaintext, second.Plaintext);
        Assert.Equal(first.Wrapped.KeyId, second.Wrapped.KeyId);
        Assert.Equal(first.Plaintext, await ring.UnwrapAsync(_tenant, first.Wrapped));
        Assert.Equal(second.Plaintext, await ring.UnwrapAsync(_tenant, second.Wrapped));
        Assert.DoesNotContain(first.Plaintext.AsSpan(0, 8).ToArray(), SlicesOf(first.Wrapped.Ciphertext, 8));
    }

    [Fact]
    public async Task ATamperedWrappedKeyFailsAuthentication()
    {
        var ring = new FileKeyRing(_folder);
        DataKey key = await ring.GenerateDataKeyAsync(_tenant);
        for (int i = 0; i < key.Wrapped.Ciphertext.Length; i++)
        {
            byte[] tampered = (byte[])key.Wrapped.Ciphertext.Clone();
            tampered[i] ^= 0x40;
            await Assert.ThrowsAsync<SealedDataException>(() => ring.UnwrapAsync(_tenant, key.Wrapped with { Ciphertext = tampered }));
        }
        await Assert.ThrowsAsync<SealedDataException>(() => ring.UnwrapAsync(_tenant, key.Wrapped with { Ciphertext = key.Wrapped.Ciphertext[..^1] }));
        await Assert.ThrowsAsync<KeyUnavailableException>(() => ring.UnwrapAsync(_tenant, key.Wrapped with { KeyId = "0123" }));
    }

    [Fact]
    public async Task RotationKeepsOldKeysReadableUnlessTheyAreForgotten()
    {
        var ring = new FileKeyRing(_folder);
        DataKey v1 = await ring.GenerateDataKeyAsync(_tenant);

        await ring.RotateAsync(_tenant, forgetOld: false);
        DataKey v2 = await ring.GenerateDataKeyAsync(_tenant);
        Assert.NotEqual(v1.Wrapped.KeyId, v2.Wrapped.KeyId);
        Assert.Equal(v1.Plaintext, await ring.UnwrapAsync(_tenant, v1.Wrapped));
        Assert.Equal(v2.Plaintext, await ring.UnwrapAsync(_tenant, v2.Wrapped));

        await ring.RotateAsync(_tenant, forgetOld: true);
        DataKey v3 = await ring.GenerateDataKeyAsync(_tenant);
        await Assert.ThrowsAsync<KeyUnavailableException>(() => ring.UnwrapAsync(_tenant, v1.Wrapped));
        await Assert.ThrowsAsync<KeyUnavailableException>(() => ring.UnwrapAsync(_tenant, v2.Wrapped));
        Assert.Equal(v3.Plaintext, await ring.UnwrapAsync(_tenant, v3.Wrapped));
        // No temp files left behind by the atomic rewrites.
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public async Task ForgettingATenantMakesEverythingUnreadableAndTheNextKeyIsNew()
    {
        var ring = new FileKeyRing(_folder);
        DataKey old = await ring.GenerateDataKeyAsync(_tenant);
        await ring.RotateAsync(_tenant, forgetOld: false);
        DataKey current = await ring.GenerateDataKeyAsync(_tenant);

        await ring.ForgetTenantAsync(_tenant);
        await Assert.ThrowsAsync<KeyUnavailableException>(() => ring.UnwrapAsync(_tenant, old.Wrapped));
        await Assert.ThrowsAsync<KeyUnavailableException>(() => ring.UnwrapAsync(_tenant, current.Wrapped));
        await ring.ForgetTenantAsync(_tenant); // twice is fine

        DataKey fresh = await ring.GenerateDataKeyAsync(_tenant);
        Assert.NotEqual(current.Wrapped.KeyId, fresh.Wrapped.KeyId);
        await Assert.ThrowsAsync<KeyUnavailableException>(() => ring.UnwrapAsync(_tenant, current.Wrapped));
        Assert.Equal(fresh.Plaintext, await ring.UnwrapAsync(_tenant, fresh.Wrapped));
    }

    [Fact]
    public async Task ANewRingOverTheSameFolderReadsTheSameKeys()
    {
        DataKey key = await new FileKeyRing(_folder).GenerateDataKeyAsync(_tenant);
        var again = new FileKeyRing(_folder);
        Assert.Equal(key.Plaintext, await again.UnwrapAsync(_tenant, key.Wrapped));
        Assert.Equal(key.Wrapped.KeyId, (await again.GenerateDataKeyAsync(_tenant)).Wrapped.KeyId);
    }

    [Fact]
    public async Task AWrappedKeyOfOneTenantDoesNotOpenUnderAnother()
    {
        var ring = new FileKeyRing(_folder);
        Guid other = Guid.NewGuid();
        DataKey mine = await ring.GenerateDataKeyAsync(_tenant);
        DataKey theirs = await ring.GenerateDataKeyAsync(other);
        await Assert.ThrowsAsync<KeyUnavailableException>(() => ring.UnwrapAsync(other, mine.Wrapped));

        // One tenant's key file copied over the other's does not open: each file is bound to its tenant.
        string[] files = Directory.GetFiles(_folder, "*.kek");
        Assert.Equal(2, files.Length);
        File.Copy(files[0], files[1], overwrite: true);
        int damaged = 0;
        foreach ((Guid tenant, DataKey key) in new[] { (_tenant, mine), (other, theirs) })
        {
            try
            {
                Assert.Equal(key.Plaintext, await ring.UnwrapAsync(tenant, key.Wrapped));
            }
            catch (InvalidDataException)
            {
                damaged++;
            }
        }
        Assert.Equal(1, damaged);
    }

    [Fact]
    public async Task FilesRevealNoTenantIdAndAreKeptPrivate()
    {
        var ring = new FileKeyRing(_folder);
        DataKey key = await ring.GenerateDataKeyAsync(_tenant);
        await ring.RotateAsync(_tenant, forgetOld: false);

        string[] forms = [_tenant.ToString("N"), _tenant.ToString("D"), _tenant.ToString("N")[..8]];
        foreach (string file in Directory.GetFiles(_folder))
        {
            string name = Path.GetFileName(file);
            byte[] content = await File.ReadAllBytesAsync(file);
            foreach (string form in forms)
            {
                Assert.DoesNotContain(form, name, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(form, Encoding.Latin1.GetString(content), StringComparison.OrdinalIgnoreCase);
            }
            Assert.Equal(-1, content.AsSpan().IndexOf(_tenant.ToByteArray()));
            Assert.Equal(-1, content.AsSpan().IndexOf(key.Plaintext));
        }
        Assert.DoesNotContain(_tenant.ToString("N")[..8], key.Wrapped.KeyId);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_folder, "master.key")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_folder));
            Assert.Equal(32, new FileInfo(Path.Combine(_folder, "master.key")).Length);
        }
    }

    [Fact]
    public async Task ConcurrentCallersShareOneFirstKeyAndLoseNoRotation()
    {
        var rings = new[] { new FileKeyRing(_folder), new FileKeyRing(_folder) };
        DataKey[] keys = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => rings[i % 2].GenerateDataKeyAsync(_tenant)));
        Assert.Single(keys.Select(k => k.Wrapped.KeyId).Distinct());

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => rings[i % 2].RotateAsync(_tenant, forgetOld: false)));
        // All ten rotations kept the first version (none overwrote another's file with a stale list).
        foreach (DataKey key in keys)
        {
            Assert.Equal(key.Plaintext, await rings[1].UnwrapAsync(_tenant, key.Wrapped));
        }
    }

    private static IEnumerable<byte[]> SlicesOf(byte[] bytes, int length) =>
        Enumerable.Range(0, bytes.Length - length + 1).Select(i => bytes.AsSpan(i, length).ToArray());
}
