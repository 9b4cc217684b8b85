namespace Sparkle.GraphQL.Webhooks;

public sealed record WebhookRecord(Guid Id, Guid TenantId, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt)
{
    /// <summary>Only set right after creation: the signing secret is shown once.</summary>
    public string? Secret { get; init; }
}
