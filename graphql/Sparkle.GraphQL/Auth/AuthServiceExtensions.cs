using Microsoft.Extensions.DependencyInjection.Extensions;
using Sparkle.GraphQL.Identity;

namespace Sparkle.GraphQL.Auth;

public static class AuthServiceExtensions
{
    public static IServiceCollection AddSparkleAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AuthEndpoints>();
        return services;
    }

    /// <summary>/auth/branding always; sign-in, refresh and logout only where this host issues tokens (local
    /// identity mode: with Entra ID, Entra signs people in).</summary>
    public static IEndpointRouteBuilder MapSparkleAuth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/auth/branding", (HttpContext context, AuthEndpoints auth) => auth.BrandingAsync(context));
        if (endpoints.ServiceProvider.GetService<LocalTokenIssuer>() is not null)
        {
            endpoints.MapPost("/auth/login", (HttpContext context, AuthEndpoints auth) => auth.LoginAsync(context));
            endpoints.MapPost("/auth/refresh", (HttpContext context, AuthEndpoints auth) => auth.RefreshAsync(context));
            endpoints.MapPost("/auth/logout", (HttpContext context, AuthEndpoints auth) => auth.LogoutAsync(context));
        }
        return endpoints;
    }
}
