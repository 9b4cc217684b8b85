using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Sparkle.Grains.Recordings;

namespace Sparkle.Recordings;

/// <summary>Tenant keys in files under a folder (e.g. .sparkle/keys/tenants), each sealed by a master key
/// (created on first use, mode 0600). File names do not reveal tenant ids.</summary>
/// <remarks>
/// <para>Layout: <c>master.key</c> (32 random bytes; the folder is 0700), and per tenant one file named
/// HMAC-SHA256(master, tenant id) holding all its KEK versions, AES-GCM sealed with a key derived from the
/// master key and bound to the tenant (a file copied over another tenant's does not open). Keep the folder
/// outside the blob store and its backups: whoever has both can read every recording.</para>
/// <para>Writes replace the file atomically (temp file + rename) under an in-process semaphore and a lock
/// file, so a crash or a second process never leaves half a key file. Forgetting deletes or rewrites the file;
/// on journaling file systems or SSDs the old blocks may linger until reused, which is why the master key
/// seals every file.</para>
/// </remarks>
public sealed class FileKeyRing : IKeyEncryptionService
{
    private const string MasterKeyFile = "master.key";
    private const string LockFile = "keyring.lock";
    private const byte FileVersion = 1;
    private const int KeySize = 32;
    private const int KeyIdSize = 16;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int WrappedSize = NonceSize + KeySize + TagSize;
    private static readonly byte[] s_fileAadPrefix = "sparkle.keyring.tenant.v1"u8.ToArray();

    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _namingKey;
    private byte[]? _sealingKey;

    public FileKeyRing(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Folder = folder;
    }

    public string Folder { get; }

    public async Task<DataKey> GenerateDataKeyAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        List<KekVersion>? versions = await ReadVersionsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (versions is null || versions.Count == 0)
        {
            // The tenant's first key: created under the write locks (another caller may be creating it too).
            versions = await UpdateAsync(tenantId, current => current is { Count: > 0 } ? current : [KekVersion.New()], cancellationToken).ConfigureAwait(false);
        }
        KekVersion kek = versions[^1];
        byte[] dataKey = RandomNumberGenerator.GetBytes(KeySize);
        byte[] wrapped = new byte[WrappedSize];
        RandomNumberGenerator.Fill(wrapped.AsSpan(0, NonceSize));
        using (var aes = new AesGcm(kek.Key, TagSize))
        {
            aes.Encrypt(wrapped.AsSpan(0, NonceSize), dataKey, wrapped.AsSpan(NonceSize, KeySize), wrapped.AsSpan(NonceSize + KeySize), WrapAad(tenantId, kek.Id));
        }
        Clear(versions);
        return new DataKey(dataKey, new WrappedKey(kek.Id, wrapped));
    }

    public async Task<byte[]> UnwrapAsync(Guid tenantId, WrappedKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        List<KekVersion>? versions = await ReadVersionsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        KekVersion? kek = versions?.FirstOrDefault(v => v.Id == key.KeyId);
        if (kek is null)
        {
            if (versions is not null)
            {
                Clear(versions);
            }
            throw new KeyUnavailableException("the key that protected this recording has been destroyed (rotated away or tenant forgotten)");
        }
        try
        {
            if (key.Ciphertext is not { Length: WrappedSize })
            {
                throw new SealedDataException("the wrapped data key is malformed");
            }
            byte[] dataKey = new byte[KeySize];
            using var aes = new AesGcm(kek.Key, TagSize);
            try
            {
                aes.Decrypt(key.Ciphertext.AsSpan(0, NonceSize), key.Ciphertext.AsSpan(NonceSize, KeySize), key.Ciphertext.AsSpan(NonceSize + KeySize), dataKey, WrapAad(tenantId, kek.Id));
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new SealedDataException("the wrapped data key failed authentication (altered, or of another tenant)");
            }
            return dataKey;
        }
        finally
        {
            Clear(versions!);
        }
    }

    public async Task RotateAsync(Guid tenantId, bool forgetOld, CancellationToken cancellationToken = default)
    {
        List<KekVersion> versions = await UpdateAsync(tenantId, current =>
        {
            var next = forgetOld || current is null ? new List<KekVersion>() : new List<KekVersion>(current);
            next.Add(KekVersion.New());
            return next;
        }, cancellationToken).ConfigureAwait(false);
        Clear(versions);
    }

    public async Task ForgetTenantAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureMasterKey();
            using FileStream _ = await LockAsync(cancellationToken).ConfigureAwait(false);
            File.Delete(TenantPath(tenantId));
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<List<KekVersion>?> ReadVersionsAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        // No file lock for reads: writers replace the file by rename, so a reader sees the old or the new file whole.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureMasterKey();
            return await LoadAsync(tenantId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<List<KekVersion>> UpdateAsync(Guid tenantId, Func<List<KekVersion>?, List<KekVersion>> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureMasterKey();
            using FileStream _ = await LockAsync(cancellationToken).ConfigureAwait(false);
            List<KekVersion>? current = await LoadAsync(tenantId, cancellationToken).ConfigureAwait(false);
            List<KekVersion> next = change(current);
            if (!ReferenceEquals(next, current))
            {
                Save(tenantId, next);
            }
            if (current is not null && !ReferenceEquals(next, current))
            {
                Clear(current.Where(version => !next.Contains(version)).ToList());
            }
            return next;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<List<KekVersion>?> LoadAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        byte[] file;
        try
        {
            file = await File.ReadAllBytesAsync(TenantPath(tenantId), cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        int bodyLength = file.Length - 1 - NonceSize - TagSize;
        if (bodyLength < 4 || file[0] != FileVersion)
        {
            throw new InvalidDataException($"the tenant key file {TenantPath(tenantId)} is damaged");
        }
        byte[] body = new byte[bodyLength];
        try
        {
            using var aes = new AesGcm(_sealingKey!, TagSize);
            try
            {
                aes.Decrypt(file.AsSpan(1, NonceSize), file.AsSpan(1 + NonceSize, bodyLength), file.AsSpan(1 + NonceSize + bodyLength), body, FileAad(tenantId));
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new InvalidDataException($"the tenant key file {TenantPath(tenantId)} does not open with this master key (damaged, or of another tenant)");
            }
            int count = BinaryPrimitives.ReadInt32BigEndian(body);
            if (count < 0 || bodyLength != 4 + count * (KeyIdSize + KeySize))
            {
                throw new InvalidDataException($"the tenant key file {TenantPath(tenantId)} is damaged");
            }
            var versions = new List<KekVersion>(count);
            for (int i = 0, at = 4; i < count; i++, at += KeyIdSize + KeySize)
            {
                versions.Add(new KekVersion(Convert.ToHexStringLower(body, at, KeyIdSize), body.AsSpan(at + KeyIdSize, KeySize).ToArray()));
            }
            return versions;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body);
        }
    }

    private void Save(Guid tenantId, List<KekVersion> versions)
    {
        int bodyLength = 4 + versions.Count * (KeyIdSize + KeySize);
        byte[] body = new byte[bodyLength];
        byte[] file = new byte[1 + NonceSize + bodyLength + TagSize];
        try
        {
            BinaryPrimitives.WriteInt32BigEndian(body, versions.Count);
            int at = 4;
            foreach (KekVersion version in versions)
            {
                Convert.FromHexString(version.Id).CopyTo(body, at);
                version.Key.CopyTo(body, at + KeyIdSize);
                at += KeyIdSize + KeySize;
            }
            file[0] = FileVersion;
            RandomNumberGenerator.Fill(file.AsSpan(1, NonceSize));
            using (var aes = new AesGcm(_sealingKey!, TagSize))
            {
                aes.Encrypt(file.AsSpan(1, NonceSize), body, file.AsSpan(1 + NonceSize, bodyLength), file.AsSpan(1 + NonceSize + bodyLength), FileAad(tenantId));
            }
            WriteAtomically(TenantPath(tenantId), file, overwrite: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body);
        }
    }

    /// <summary>Loads the master key, creating it (and the folder, 0700) on first use; derives the file-name and
    /// file-sealing keys from it.</summary>
    private void EnsureMasterKey()
    {
        if (_sealingKey is not null)
        {
            return;
        }
        if (!Directory.Exists(Folder))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(Folder);
            }
            else
            {
                Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        string path = Path.Combine(Folder, MasterKeyFile);
        if (!File.Exists(path))
        {
            byte[] fresh = RandomNumberGenerator.GetBytes(KeySize);
            // Another process may create it at the same moment: the first rename wins, everyone reads that one.
            WriteAtomically(path, fresh, overwrite: false);
            CryptographicOperations.ZeroMemory(fresh);
        }
        byte[] master = File.ReadAllBytes(path);
        if (master.Length != KeySize)
        {
            throw new InvalidDataException($"{path} is not a {KeySize}-byte master key");
        }
        _namingKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, KeySize, info: "sparkle.keyring.file-names"u8.ToArray());
        _sealingKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, KeySize, info: "sparkle.keyring.file-sealing"u8.ToArray());
        CryptographicOperations.ZeroMemory(master);
    }

    private string TenantPath(Guid tenantId) =>
        Path.Combine(Folder, Convert.ToHexStringLower(HMACSHA256.HashData(_namingKey!, tenantId.ToByteArray())) + ".kek");

    /// <summary>Serialises writers of other processes on the same folder (flock-backed on Unix).</summary>
    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        string path = Path.Combine(Folder, LockFile);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, options);
            }
            catch (IOException) when (attempt < 1000)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Small files only (keys): written whole to a temp file, flushed to disk, then renamed over.</summary>
    private static void WriteAtomically(string path, byte[] content, bool overwrite)
    {
        string temp = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            try
            {
                File.Move(temp, path, overwrite);
            }
            catch (IOException) when (!overwrite && File.Exists(path))
            {
                // Lost the race to create it: the other writer's file stands.
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static byte[] WrapAad(Guid tenantId, string keyId)
    {
        byte[] aad = new byte[16 + Encoding.UTF8.GetByteCount(keyId)];
        tenantId.TryWriteBytes(aad);
        Encoding.UTF8.GetBytes(keyId, aad.AsSpan(16));
        return aad;
    }

    private static byte[] FileAad(Guid tenantId)
    {
        byte[] aad = new byte[s_fileAadPrefix.Length + 16];
        s_fileAadPrefix.CopyTo(aad, 0);
        tenantId.TryWriteBytes(aad.AsSpan(s_fileAadPrefix.Length));
        return aad;
    }

    private static void Clear(List<KekVersion> versions)
    {
        foreach (KekVersion version in versions)
        {
            CryptographicOperations.ZeroMemory(version.Key);
        }
    }

    /// <summary>One KEK version: a random id (what <see cref="WrappedKey.KeyId"/> names) and the key.</summary>
    private sealed record KekVersion(string Id, byte[] Key)
    {
        public static KekVersion New() =>
            new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdSize)), RandomNumberGenerator.GetBytes(KeySize));
    }
}
