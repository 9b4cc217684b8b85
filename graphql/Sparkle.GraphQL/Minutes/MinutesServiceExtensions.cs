namespace Sparkle.GraphQL.Minutes;

public static class MinutesServiceExtensions
{
    /// <summary>The minutes document endpoint (its links are signed like the media links).</summary>
    public static IServiceCollection AddSparkleMinutes(this IServiceCollection services)
    {
        services.AddSingleton<MinutesDocumentEndpoint>();
        return services;
    }

    public static IEndpointRouteBuilder MapSparkleMinutes(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/minutes/{token}", (HttpContext context, string token, MinutesDocumentEndpoint endpoint) => endpoint.HandleAsync(context, token));
        return endpoints;
    }
}
