namespace Sparkle.GraphQL.Webhooks;

/// <summary>Section "Webhooks".</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    public bool Enabled { get; set; } = true;
    /// <summary>First retry after this delay; each further retry waits twice as long (capped at an hour).</summary>
    public int RetryBaseMilliseconds { get; set; } = 10_000;
    public int MaxAttempts { get; set; } = 8;
    public int RequestTimeoutSeconds { get; set; } = 10;
    /// <summary>How often tenants' meetings are looked up for ones not watched yet.</summary>
    public int DiscoverySeconds { get; set; } = 15;
    /// <summary>CIDR networks that webhooks may reach although they are private (an on-premises OA system);
    /// empty by default: public internet addresses only. See <see cref="WebhookAddressPolicy"/>.</summary>
    public List<string> AllowedPrivateNetworks { get; set; } = [];
}
