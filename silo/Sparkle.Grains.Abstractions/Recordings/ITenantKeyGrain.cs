namespace Sparkle.Grains.Recordings;

/// <summary>A tenant's key-encryption key (envelope encryption): makes data keys and unwraps them. Key: the
/// tenant id. One activation per tenant serialises changes to the key ring. Only the platform's own
/// processes call it (workers seal, the API host opens what the recording grains authorised).</summary>
public interface ITenantKeyGrain : IGrainWithGuidKey
{
    Task<DataKey> GenerateDataKeyAsync();
    /// <summary>Throws <c>KeyUnavailableException</c> when the key that wrapped it was forgotten.</summary>
    Task<byte[]> UnwrapAsync(WrappedKey key);
    /// <summary>A new key version for new data; with <paramref name="forgetOld"/> every older version is
    /// destroyed, and what it wrapped can never be read again.</summary>
    Task RotateAsync(bool forgetOld);
    /// <summary>Destroys every key of the tenant (tenant deletion).</summary>
    Task ForgetAsync();
}
