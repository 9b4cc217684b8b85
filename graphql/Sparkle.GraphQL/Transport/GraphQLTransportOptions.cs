namespace Sparkle.GraphQL.Transport;

/// <summary>Section "GraphQL": limits that keep one client from exhausting the host.</summary>
public sealed class GraphQLTransportOptions
{
    public const string Section = "GraphQL";

    public int MaxDepth { get; set; } = 15;
    public int MaxComplexity { get; set; } = 5000;
    /// <summary>A WebSocket client must send connection_init within this time.</summary>
    public int ConnectionInitTimeoutSeconds { get; set; } = 10;
    public int MaxWebSocketMessageBytes { get; set; } = 1024 * 1024;
    /// <summary>Bounds checked before parsing (<see cref="DocumentGate"/>), with and without a token.</summary>
    public int MaxQueryChars { get; set; } = 32 * 1024;
    public int MaxTokens { get; set; } = 4000;
    public int MaxAnonymousQueryChars { get; set; } = 2048;
    public int MaxAnonymousTokens { get; set; } = 200;
    /// <summary>An HTTP request body (query plus variables) larger than this is refused with 413 unread; the
    /// anonymous bound applies to requests without a token.</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;
    public long MaxAnonymousRequestBytes { get; set; } = 16 * 1024;
    /// <summary>HR/OA sync jobs (directory.sync tokens) send whole directories in one request.</summary>
    public long MaxDirectorySyncRequestBytes { get; set; } = 16 * 1024 * 1024;
    /// <summary>Introspection and /graphql/schema.graphql without a token (a development convenience; off by
    /// default so that production does not hand its schema to anyone).</summary>
    public bool PublicSchema { get; set; }
    public int MaxSubscriptionsPerConnection { get; set; } = 100;
}
