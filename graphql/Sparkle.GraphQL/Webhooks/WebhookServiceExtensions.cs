using Npgsql;
using Sparkle.ServiceDefaults;

namespace Sparkle.GraphQL.Webhooks;

public static class WebhookServiceExtensions
{
    public static IServiceCollection AddSparkleWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookOptions>(configuration.GetSection(WebhookOptions.Section));
        services.AddHttpClient(WebhookSender.HttpClientName);
        services.AddSingleton(sp =>
        {
            var cluster = sp.GetRequiredService<IConfiguration>().GetClusterOptions();
            return new WebhookStore(NpgsqlDataSource.Create(cluster.ConnectionString), cluster.ServiceId);
        });
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<MeetingWebhookWatcher>();
        services.AddHostedService<WebhookLeaderService>();
        return services;
    }
}
