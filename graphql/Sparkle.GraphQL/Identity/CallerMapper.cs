using System.Security.Claims;
using Microsoft.Extensions.Options;
using Sparkle.Grains.Identity;

namespace Sparkle.GraphQL.Identity;

/// <summary>Maps a validated principal (local or Entra) to the grains' Caller. It grants nothing by
/// itself: the grains resolve the user's current role and enforce the permission matrix.</summary>
public sealed class CallerMapper(IOptions<SparkleIdentityOptions> options)
{
    public Caller? Map(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true)
        {
            return null;
        }
        var scopes = principal.FindAll("scp").Concat(principal.FindAll("roles"))
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        if (scopes.Contains(ApiScopes.Operator))
        {
            return Caller.Operator;
        }
        if (!Guid.TryParse(principal.FindFirst(options.Value.TenantClaim)?.Value, out var tenantId) || tenantId == Guid.Empty)
        {
            return null;
        }
        var number = principal.FindFirst(options.Value.UserClaim)?.Value;
        if (scopes.Contains(ApiScopes.Api) && !string.IsNullOrWhiteSpace(number))
        {
            return Caller.User(tenantId, number);
        }
        return scopes.Contains(ApiScopes.DirectorySync) ? Caller.Sync(tenantId) : null;
    }
}
