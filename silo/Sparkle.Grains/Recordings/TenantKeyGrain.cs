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

    /// <summary>The storage library's exceptions do not cross the wire: a forgotten key is NotFound (the data
    /// is gone for good), an altered wrapped key a ValidationException.</summary>
    public async Task<byte[]> UnwrapAsync(WrappedKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            return await Keys.UnwrapAsync(TenantId, key);
        }
        catch (KeyUnavailableException e)
        {
            throw new NotFoundException($"The key of this recording was forgotten: {e.Message}");
        }
        catch (SealedDataException e)
        {
            throw new ValidationException($"The wrapped data key failed authentication: {e.Message}");
        }
    }

    public Task RotateAsync(bool forgetOld) => Keys.RotateAsync(TenantId, forgetOld);

    /// <summary>A silo without a key service never made a key for anyone: nothing to destroy.</summary>
    public Task ForgetAsync() =>
        ServiceProvider.GetService<IKeyEncryptionService>() is { } keys ? keys.ForgetTenantAsync(TenantId) : Task.CompletedTask;
}
