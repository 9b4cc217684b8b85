using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;

namespace Sparkle.Grains.Security;

/// <summary>What an authorised caller turned out to be: its current tenant role (null for platform
/// components) and the role the check used (tenant role raised by the meeting role).</summary>
public readonly record struct Grant(Caller Caller, Role? TenantRole, Role? EffectiveRole)
{
    public bool IsUser => Caller.Kind == CallerKind.User;

    /// <summary>Platform components act for the tenant with every right except platform administration.</summary>
    public bool IsSystem => Caller.Kind == CallerKind.System;

    /// <summary>The caller holds at least <paramref name="role"/> (system callers hold every role).</summary>
    public bool AtLeast(Role role) => IsSystem || (EffectiveRole is { } r && r >= role);
}

/// <summary>The one authorisation check of every grain. The caller's tenant must own the resource
/// (otherwise NotFound, so another tenant learns nothing); a user's role is resolved now from the tenant
/// (never taken from the caller) and checked against <see cref="Permissions"/>.</summary>
public static class Access
{
    /// <summary>Checks <paramref name="caller"/> for <paramref name="operation"/> on a resource of
    /// <paramref name="ownerTenant"/>, resolving the role through the tenant grain.</summary>
    public static Task<Grant> DemandAsync(
        IGrainFactory grains, Guid ownerTenant, Caller? caller, Operation operation, Role? meetingRole = null) =>
        DemandAsync(ownerTenant, caller, operation,
            number => grains.GetGrain<ITenantGrain>(ownerTenant).GetRoleAsync(number), meetingRole);

    /// <summary>The same check with a role lookup of the caller's choosing (the tenant grain uses its own
    /// state: calling itself would deadlock).</summary>
    public static async Task<Grant> DemandAsync(
        Guid ownerTenant, Caller? caller, Operation operation, Func<string, Task<Role?>> roleOf, Role? meetingRole = null)
    {
        if (caller is null)
        {
            throw new AccessDeniedException("No caller.");
        }

        if (caller.Kind == CallerKind.PlatformOperator)
        {
            // The operator administers tenants from outside: no tenant of its own, no tenant content.
            return Permissions.Allows(caller.Kind, operation)
                ? new Grant(caller, null, null)
                : throw new AccessDeniedException($"The platform operator may not {operation}.");
        }

        if (caller.TenantId == Guid.Empty || caller.TenantId != ownerTenant)
        {
            throw new NotFoundException("Not found.");
        }

        switch (caller.Kind)
        {
            case CallerKind.System:
            case CallerKind.DirectorySync:
                return Permissions.Allows(caller.Kind, operation)
                    ? new Grant(caller, null, null)
                    : throw new AccessDeniedException($"{caller.Kind} callers may not {operation}.");
            case CallerKind.User:
                if (string.IsNullOrEmpty(caller.UserNumber))
                {
                    throw new AccessDeniedException("A user caller needs a number.");
                }

                var tenantRole = await roleOf(caller.UserNumber)
                    ?? throw new AccessDeniedException("Not a user of this tenant.");
                var effective = Permissions.EffectiveRole(tenantRole, meetingRole);
                return Permissions.Allows(effective, operation)
                    ? new Grant(caller, tenantRole, effective)
                    : throw new AccessDeniedException($"Role {effective.ToWire()} may not {operation}.");
            default:
                throw new AccessDeniedException("Unknown caller kind.");
        }
    }

    /// <summary>The tenant id and user number of a <see cref="UserKey.For"/> key.</summary>
    public static (Guid TenantId, string Number) ParseUserKey(string key)
    {
        var slash = key.IndexOf('/');
        if (slash <= 0 || !Guid.TryParseExact(key.AsSpan(0, slash), "N", out var tenant) || slash == key.Length - 1)
        {
            throw new ArgumentException($"Not a user key: {key}", nameof(key));
        }

        return (tenant, key[(slash + 1)..]);
    }
}
