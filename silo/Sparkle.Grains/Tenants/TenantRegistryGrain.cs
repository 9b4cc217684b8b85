using Orleans.Concurrency;
using Orleans.Serialization.Invocation;
using Sparkle.Grains.Identity;

namespace Sparkle.Grains.Tenants;

/// <summary>Platform-wide index of tenant names and SIP domains. Look-ups interleave (the gateway asks
/// for every request); registrations are serialised.</summary>
[MayInterleave(nameof(IsLookup))]
public sealed class TenantRegistryGrain(
    [PersistentState(stateName: "tenant-registry", storageName: SparkleStorage.Name)] IPersistentState<TenantRegistryState> state)
    : Grain, ITenantRegistryGrain
{
    public static bool IsLookup(IInvokable request) =>
        request.GetMethodName() is nameof(FindByDomainAsync) or nameof(FindByNameAsync) or nameof(ListAsync);

    public async Task RegisterAsync(Guid tenantId, string name, IReadOnlyList<string> sipDomains)
    {
        var nameKey = Key(name);
        var domainKeys = sipDomains.Select(Key).ToList();
        if (state.State.Names.TryGetValue(nameKey, out var owner) && owner != tenantId)
        {
            throw new ValidationException($"The tenant name '{name}' is taken.");
        }

        foreach (var domain in domainKeys)
        {
            if (state.State.Domains.TryGetValue(domain, out var domainOwner) && domainOwner != tenantId)
            {
                throw new ValidationException($"The SIP domain '{domain}' belongs to another tenant.");
            }
        }

        state.State.Names[nameKey] = tenantId;
        foreach (var domain in domainKeys)
        {
            state.State.Domains[domain] = tenantId;
        }

        await state.WriteStateAsync();
    }

    public async Task UnregisterAsync(Guid tenantId)
    {
        var names = state.State.Names.Where(n => n.Value == tenantId).Select(n => n.Key).ToList();
        var domains = state.State.Domains.Where(d => d.Value == tenantId).Select(d => d.Key).ToList();
        if (names.Count + domains.Count == 0)
        {
            return;
        }

        names.ForEach(n => state.State.Names.Remove(n));
        domains.ForEach(d => state.State.Domains.Remove(d));
        await state.WriteStateAsync();
    }

    public Task<Guid?> FindByDomainAsync(string sipDomain) =>
        Task.FromResult(state.State.Domains.TryGetValue(Key(sipDomain), out var id) ? id : (Guid?)null);

    public Task<Guid?> FindByNameAsync(string name) =>
        Task.FromResult(state.State.Names.TryGetValue(Key(name), out var id) ? id : (Guid?)null);

    public Task<IReadOnlyList<Guid>> ListAsync() =>
        Task.FromResult<IReadOnlyList<Guid>>(state.State.Names.Values.Distinct().ToList());

    private static string Key(string? text) => (text ?? "").Trim().ToLowerInvariant();
}
