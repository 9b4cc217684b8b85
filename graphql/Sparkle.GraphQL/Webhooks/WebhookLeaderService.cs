using Microsoft.Extensions.Options;

namespace Sparkle.GraphQL.Webhooks;

/// <summary>Only one API host per deployment watches meetings and sends webhooks: the one holding the
/// PostgreSQL advisory lock. The others wait and take over when it goes away.</summary>
internal sealed class WebhookLeaderService(
    WebhookStore store,
    MeetingWebhookWatcher watcher,
    WebhookSender sender,
    IOptions<WebhookOptions> options,
    ILogger<WebhookLeaderService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.EnsureSchemaAsync(stoppingToken);
                await using var leadership = await store.TryTakeLeadershipAsync(stoppingToken);
                if (leadership is not null)
                {
                    logger.LogInformation("This host sends the webhooks");
                    using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    var work = Task.WhenAll(watcher.RunAsync(lost.Token), sender.RunAsync(lost.Token));
                    // Check the lock's connection; if it dies another host may lead, so stop.
                    while (!work.IsCompleted && leadership.State == System.Data.ConnectionState.Open)
                    {
                        await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(5), stoppingToken));
                        await using var ping = new Npgsql.NpgsqlCommand("SELECT 1", leadership);
                        await ping.ExecuteScalarAsync(stoppingToken);
                    }
                    await lost.CancelAsync();
                    await work;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Webhook leadership lost or unavailable; retrying");
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(10), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
