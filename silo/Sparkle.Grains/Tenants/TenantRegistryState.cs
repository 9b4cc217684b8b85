namespace Sparkle.Grains.Tenants;

[GenerateSerializer]
public sealed class TenantRegistryState
{
    /// <summary>Lower-case tenant name to tenant id.</summary>
    [Id(0)] public Dictionary<string, Guid> Names { get; set; } = [];
    /// <summary>Lower-case SIP domain to tenant id.</summary>
    [Id(1)] public Dictionary<string, Guid> Domains { get; set; } = [];
}
