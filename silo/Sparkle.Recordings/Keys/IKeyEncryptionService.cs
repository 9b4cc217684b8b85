using Sparkle.Grains.Recordings;

namespace Sparkle.Recordings;

/// <summary>Tenant key-encryption keys, as a cloud key store offers them (generate a data key, decrypt a
/// wrapped one, rotate, destroy). Embedded: <see cref="FileKeyRing"/>.</summary>
/// <remarks>
/// Envelope encryption: every recording gets its own data key; only the wrapped form is stored beside it, and
/// the tenant's key-encryption key (KEK) never leaves the key store. The shape fits a cloud key store as
/// well: with Azure Key Vault, <see cref="GenerateDataKeyAsync"/> is a local random key plus a <c>wrapKey</c>
/// call (RSA-OAEP-256 or AES-KW on a per-tenant key), <see cref="WrappedKey.KeyId"/> the key version's id,
/// <see cref="UnwrapAsync"/> an <c>unwrapKey</c> call, <see cref="RotateAsync"/> a new key version (and
/// disabling or purging the older ones when they are to be forgotten), <see cref="ForgetTenantAsync"/>
/// deleting and purging the key. Key names there must not carry tenant names either (hash them as the file
/// key ring does).
/// </remarks>
public interface IKeyEncryptionService
{
    Task<DataKey> GenerateDataKeyAsync(Guid tenantId, CancellationToken cancellationToken = default);
    /// <summary>Throws <see cref="KeyUnavailableException"/> when the wrapping key was forgotten, and
    /// <see cref="SealedDataException"/> when the wrapped key was altered.</summary>
    Task<byte[]> UnwrapAsync(Guid tenantId, WrappedKey key, CancellationToken cancellationToken = default);
    /// <summary>Adds a new current KEK version; data keys generated from now on are wrapped by it. With
    /// <paramref name="forgetOld"/> every older version is destroyed, and with it every recording they wrapped.</summary>
    Task RotateAsync(Guid tenantId, bool forgetOld, CancellationToken cancellationToken = default);
    /// <summary>Destroys all of the tenant's KEK versions: its recordings become unreadable (crypto-shredding).</summary>
    Task ForgetTenantAsync(Guid tenantId, CancellationToken cancellationToken = default);
}
