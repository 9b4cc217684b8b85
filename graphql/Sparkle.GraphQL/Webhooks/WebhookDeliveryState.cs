namespace Sparkle.GraphQL.Webhooks;

public enum WebhookDeliveryState
{
    Pending,
    Succeeded,
    Failed,
}
