using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Sparkle.GraphQL.Identity;

/// <summary>Validates a raw bearer token (e.g. from a WebSocket connection_init payload) through the same
/// JWT bearer handler that guards HTTP requests, so there is a single validation pipeline.</summary>
public sealed class TokenAuthenticator(IServiceScopeFactory scopes)
{
    public async Task<ClaimsPrincipal?> AuthenticateAsync(string token)
    {
        await using var scope = scopes.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = "Bearer " + token;
        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        return result.Succeeded ? result.Principal : null;
    }
}
