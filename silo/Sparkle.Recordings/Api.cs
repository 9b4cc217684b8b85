// STUB: the public surface agreed between the helpers building issue 9. The storage helper replaces these
#pragma warning disable CS9113
// bodies (and this file) with the real implementation, keeping the signatures.
using Sparkle.Grains.Recordings;

namespace Sparkle.Recordings;

/// <summary>Tenant key-encryption keys, as a cloud key store offers them (generate a data key, decrypt a
/// wrapped one, rotate, destroy). Embedded: <see cref="FileKeyRing"/>.</summary>
public interface IKeyEncryptionService
{
    Task<DataKey> GenerateDataKeyAsync(Guid tenantId, CancellationToken cancellationToken = default);
    /// <summary>Throws <see cref="KeyUnavailableException"/> when the wrapping key was forgotten, and
    /// <see cref="SealedDataException"/> when the wrapped key was altered.</summary>
    Task<byte[]> UnwrapAsync(Guid tenantId, WrappedKey key, CancellationToken cancellationToken = default);
    Task RotateAsync(Guid tenantId, bool forgetOld, CancellationToken cancellationToken = default);
    Task ForgetTenantAsync(Guid tenantId, CancellationToken cancellationToken = default);
}

/// <summary>Tenant keys in files under a folder (e.g. .sparkle/keys/tenants), each sealed by a master key
/// (created on first use, mode 0600). File names do not reveal tenant ids.</summary>
public sealed class FileKeyRing(string folder) : IKeyEncryptionService
{
    public string Folder { get; } = folder;
    public Task<DataKey> GenerateDataKeyAsync(Guid tenantId, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public Task<byte[]> UnwrapAsync(Guid tenantId, WrappedKey key, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public Task RotateAsync(Guid tenantId, bool forgetOld, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public Task ForgetTenantAsync(Guid tenantId, CancellationToken cancellationToken = default) => throw new NotImplementedException();
}

public sealed class KeyUnavailableException(string message) : Exception(message);

/// <summary>Sealed data failed authentication (tampered, truncated, wrong key).</summary>
public sealed class SealedDataException(string message) : Exception(message);

/// <summary>Reads a byte range of something stored (a blob, a file).</summary>
public interface IRangeSource
{
    /// <summary>Reads up to destination.Length bytes at offset; returns how many (0 at the end).</summary>
    ValueTask<int> ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default);
}

/// <summary>The chunked AES-256-GCM format: seal a plaintext file; open any plaintext range without
/// decrypting the rest.</summary>
public static class SealedFormat
{
    public static long SealedLength(long plainLength) => throw new NotImplementedException();
    /// <summary>Seals <paramref name="source"/> into <paramref name="destination"/> with a 32-byte data key.</summary>
    public static Task SealAsync(Stream source, Stream destination, ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken = default) => throw new NotImplementedException();
}

/// <summary>Random access to the plaintext of a sealed object.</summary>
public sealed class SealedReader(IRangeSource source, long sealedLength, ReadOnlyMemory<byte> dataKey)
{
    public long PlainLength => throw new NotImplementedException();
    /// <summary>Fills destination from plaintext offset; throws <see cref="SealedDataException"/> on any
    /// authentication failure (a flipped byte, a missing or reordered chunk, a truncated end).</summary>
    public ValueTask<int> ReadAsync(long plainOffset, Memory<byte> destination, CancellationToken cancellationToken = default) => throw new NotImplementedException();
}

/// <summary>Sealed blobs in one container of Azure Blob Storage (Azurite locally). Names are random.</summary>
public sealed class RecordingBlobStore(string connectionString, string container = "recordings")
{
    public static string NewBlobName() => throw new NotImplementedException();
    public Task UploadAsync(string blobName, Stream sealedContent, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public Task<long> GetLengthAsync(string blobName, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public IRangeSource OpenRange(string blobName) => throw new NotImplementedException();
    /// <summary>True when it existed.</summary>
    public Task<bool> DeleteAsync(string blobName, CancellationToken cancellationToken = default) => throw new NotImplementedException();
}
