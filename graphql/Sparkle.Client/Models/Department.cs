namespace Sparkle.Client;

public sealed record Department(string ExternalId, string Name, string? ParentExternalId = null);
