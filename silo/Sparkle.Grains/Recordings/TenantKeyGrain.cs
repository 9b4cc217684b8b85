using Microsoft.Extensions.DependencyInjection;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Recordings;
using Sparkle.Recordings;

namespace Sparkle.Grains.Recordings;

/// <summary>Fronts the tenant's key-encryption key (<see cref="IKeyEncryptionService"/>, the silo's
/// <see cref="FileKeyRing"/>). An ordinary grain, not a stateless worker: one activation per tenant
/// serialises rotation against the making and unwrapping of data keys.</summary>
public sealed class TenantKeyGrain : Grain, ITenantKeyGrain
{
    private Guid TenantId => this.GetPrimaryKey();

    private IKeyEncryptionService Keys =>
        ServiceProvider.GetService<IKeyEncryptionService>()
        ?? throw new ValidationException("Recording keys are not configured.");

    public Task<DataKey> GenerateDataKeyAsync() => Keys.GenerateDataKeyAsync(TenantId);

    public Task<byte[]> UnwrapAsync(WrappedKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Keys.UnwrapAsync(TenantId, key);
    }

    public Task RotateAsync(bool forgetOld) => Keys.RotateAsync(TenantId, forgetOld);

    public Task ForgetAsync() => Keys.ForgetTenantAsync(TenantId);
}
