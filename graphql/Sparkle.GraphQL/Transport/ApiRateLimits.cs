using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Sparkle.GraphQL.Identity;

namespace Sparkle.GraphQL.Transport;

/// <summary>Section "RateLimits": token buckets per caller (the token's subject, or the client address when there
/// is no token) and per tenant, over the API's paths. An exhausted bucket answers 429 with Retry-After and a
/// GraphQL-shaped error (code RATE_LIMITED), so the SDK surfaces it like any other typed error.</summary>
public sealed class ApiRateLimitOptions
{
    public const string Section = "RateLimits";

    public bool Enabled { get; set; } = true;
    public int PerCallerPerSecond { get; set; } = 100;
    public int PerCallerBurst { get; set; } = 300;
    public int PerTenantPerSecond { get; set; } = 500;
    public int PerTenantBurst { get; set; } = 1500;
    /// <summary>Requests without a token, per client address.</summary>
    public int AnonymousPerSecond { get; set; } = 10;
    public int AnonymousBurst { get; set; } = 30;
}

public static class ApiRateLimits
{
    public const string RateLimited = "RATE_LIMITED";
    // Not /media or /minutes: those links are signed, short-lived grants already, and players (ffprobe, a browser's
    // <video>, the console's preview) make many range requests without a token.
    private static readonly string[] s_limitedPaths = ["/graphql", "/auth"];

    public static IServiceCollection AddSparkleRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ApiRateLimitOptions>(configuration.GetSection(ApiRateLimitOptions.Section));
        services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await http.Response.WriteAsJsonAsync(new
                {
                    errors = new[] { new { message = $"Too many requests; retry after {retryAfter} s.", extensions = new { code = RateLimited, retryAfter } } },
                }, cancellationToken);
            };
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => CallerPartition(context)),
                PartitionedRateLimiter.Create<HttpContext, string>(context => TenantPartition(context)));
        });
        return services;
    }

    private static RateLimitPartition<string> CallerPartition(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<ApiRateLimitOptions>>().Value;
        if (!options.Enabled || !IsApiPath(context.Request.Path))
        {
            return RateLimitPartition.GetNoLimiter("");
        }
        var subject = context.User.FindFirstValue("sub");
        return subject is not null
            ? Bucket("caller:" + subject, options.PerCallerPerSecond, options.PerCallerBurst)
            : Bucket("address:" + context.Connection.RemoteIpAddress, options.AnonymousPerSecond, options.AnonymousBurst);
    }

    private static RateLimitPartition<string> TenantPartition(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<ApiRateLimitOptions>>().Value;
        var tenantClaim = context.RequestServices.GetRequiredService<IOptions<SparkleIdentityOptions>>().Value.TenantClaim;
        if (!options.Enabled || !IsApiPath(context.Request.Path) || context.User.FindFirstValue(tenantClaim) is not { } tenant)
        {
            return RateLimitPartition.GetNoLimiter("");
        }
        return Bucket("tenant:" + tenant, options.PerTenantPerSecond, options.PerTenantBurst);
    }

    private static RateLimitPartition<string> Bucket(string key, int perSecond, int burst) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst),
            TokensPerPeriod = Math.Max(1, perSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    private static bool IsApiPath(PathString path) =>
        s_limitedPaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
}
