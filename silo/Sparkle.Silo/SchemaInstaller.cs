using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Sparkle.Silo;

/// <summary>Applies the schema before Orleans starts (registered ahead of the silo's hosted service).</summary>
internal sealed class SchemaInstaller(string connectionString, ILogger<SchemaInstaller> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await PostgresSchema.ApplyAsync(connectionString, cancellationToken);
        logger.LogInformation("Orleans schema applied");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
