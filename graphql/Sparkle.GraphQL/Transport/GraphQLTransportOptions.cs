namespace Sparkle.GraphQL.Transport;

/// <summary>Section "GraphQL": limits that keep one client from exhausting the host.</summary>
public sealed class GraphQLTransportOptions
{
    public const string Section = "GraphQL";

    public int MaxDepth { get; set; } = 15;
    public int MaxComplexity { get; set; } = 5000;
    /// <summary>A WebSocket client must send connection_init within this time.</summary>
    public int ConnectionInitTimeoutSeconds { get; set; } = 10;
    public int MaxWebSocketMessageBytes { get; set; } = 4 * 1024 * 1024;
    public int MaxSubscriptionsPerConnection { get; set; } = 100;
}
