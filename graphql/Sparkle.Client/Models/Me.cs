namespace Sparkle.Client;

public sealed record Me(Guid? TenantId, string? UserNumber, Role? Role, string Kind);
