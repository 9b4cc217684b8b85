namespace Sparkle.GraphQL.Webhooks;

public static class WebhookServiceExtensions
{
    public static IServiceCollection AddSparkleWebhooks(this IServiceCollection services) => services;
}
