namespace Sparkle.GraphQL.Webhooks;

/// <summary>One notification to one webhook, with the outcome of its latest attempt.</summary>
public sealed record WebhookDeliveryRecord(
    Guid Id,
    Guid WebhookId,
    string EventType,
    string Payload,
    WebhookDeliveryState State,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset NextAttemptAt);
