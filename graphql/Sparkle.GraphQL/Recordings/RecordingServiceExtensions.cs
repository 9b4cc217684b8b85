using Microsoft.Extensions.DependencyInjection.Extensions;
using Sparkle.Recordings;

namespace Sparkle.GraphQL.Recordings;

public static class RecordingServiceExtensions
{
    /// <summary>The playback side of recordings: the link signer (its key in "Identity:KeyFolder"), the blob
    /// store when "Recordings:BlobConnectionString" is set (else the endpoint answers 503), and the endpoint.</summary>
    public static IServiceCollection AddSparkleRecordingPlayback(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        var keyFolder = configuration["Identity:KeyFolder"] ?? new Identity.SparkleIdentityOptions().KeyFolder;
        services.AddSingleton(sp => MediaLinkSigner.FromKeyFolder(keyFolder, sp.GetRequiredService<TimeProvider>()));
        var connection = configuration["Recordings:BlobConnectionString"];
        if (!string.IsNullOrWhiteSpace(connection))
        {
            services.AddSingleton(new RecordingBlobStore(connection, configuration["Recordings:BlobContainer"] ?? "recordings"));
        }

        services.AddSingleton<MediaEndpoint>();
        services.AddSingleton<Preview.PreviewEndpoint>();
        return services;
    }

    public static IEndpointRouteBuilder MapSparkleMedia(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/media/{token}", (HttpContext context, string token, MediaEndpoint endpoint) => endpoint.HandleAsync(context, token));
        endpoints.MapGet("/media/preview/{token}", (HttpContext context, string token, Preview.PreviewEndpoint endpoint) => endpoint.HandleAsync(context, token));
        return endpoints;
    }
}
