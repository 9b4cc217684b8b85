using Npgsql;
using Sparkle.ServiceDefaults;

namespace Sparkle.GraphQL.Webhooks;

public static class WebhookServiceExtensions
{
    public static IServiceCollection AddSparkleWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookOptions>(configuration.GetSection(WebhookOptions.Section));
        services.AddSingleton(sp => new WebhookAddressPolicy(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value.AllowedPrivateNetworks));
        services.AddHttpClient(WebhookSender.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => GuardedWebhookConnector.CreateHandler(sp.GetRequiredService<WebhookAddressPolicy>()));
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
