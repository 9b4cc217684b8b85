namespace Sparkle.Grains.Identity;

/// <summary>Who is asking. Grains never trust a role carried by the caller: they resolve the current
/// role of (TenantId, UserNumber) themselves, so a role change takes effect at once, even mid-meeting.</summary>
public enum CallerKind
{
    /// <summary>An authenticated user of a tenant (API token or SIP digest).</summary>
    User = 0,
    /// <summary>A platform component (gateway, media worker, silo seeding) acting for a tenant.</summary>
    System = 1,
    /// <summary>An HR/OA sync job: may only synchronise the tenant's directory.</summary>
    DirectorySync = 2,
    /// <summary>The SaaS operator: administers tenants, never reads tenant content.</summary>
    PlatformOperator = 3,
}

[GenerateSerializer, Immutable]
public sealed record Caller(
    [property: Id(0)] Guid TenantId,
    [property: Id(1)] string? UserNumber,
    [property: Id(2)] CallerKind Kind)
{
    public static Caller User(Guid tenantId, string number) => new(tenantId, number, CallerKind.User);
    public static Caller System(Guid tenantId) => new(tenantId, null, CallerKind.System);
    public static Caller Sync(Guid tenantId) => new(tenantId, null, CallerKind.DirectorySync);
    public static readonly Caller Operator = new(Guid.Empty, null, CallerKind.PlatformOperator);
}
