using Sparkle.Grains.Tenants;

namespace Sparkle.GraphQL.Hosting;

/// <summary>GET /health: 200 when the host runs and reaches the cluster, 503 otherwise.</summary>
internal static class HealthEndpoint
{
    public static async Task<IResult> HandleAsync(IClusterClient client, CancellationToken cancellationToken)
    {
        try
        {
            // A cheap read on the registry proves the cluster answers.
            await client.GetGrain<ITenantRegistryGrain>(0).ListAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return Results.Json(new { status = "ok", cluster = "connected" });
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Results.Json(new { status = "degraded", cluster = ex.GetType().Name }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
