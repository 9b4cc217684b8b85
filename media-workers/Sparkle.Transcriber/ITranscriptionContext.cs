using Sparkle.Grains.Identity;
using Sparkle.Grains.Recordings;
using Sparkle.Grains.Tenants;

namespace Sparkle.Transcriber;

/// <summary>What a job needs from the cluster: the tenant's minutes language and its data key.</summary>
public interface ITranscriptionContext
{
    Task<string> LanguageAsync(Guid tenantId);
    /// <summary>Throws NotFoundException when the key was destroyed, ValidationException when it is invalid.</summary>
    Task<byte[]> UnwrapAsync(Guid tenantId, WrappedKey key);
}

/// <summary>The cluster's answers: the tenant grain's policies and the tenant key grain.</summary>
public sealed class GrainTranscriptionContext(IGrainFactory grains) : ITranscriptionContext
{
    public async Task<string> LanguageAsync(Guid tenantId) =>
        (await grains.GetGrain<ITenantGrain>(tenantId).GetAsync(Caller.System(tenantId))).Policies.MinutesLanguage;

    public Task<byte[]> UnwrapAsync(Guid tenantId, WrappedKey key) => grains.GetGrain<ITenantKeyGrain>(tenantId).UnwrapAsync(key);
}
