namespace Sparkle.Client;

public sealed record SyncRejection(string? ExternalId, string Reason);
