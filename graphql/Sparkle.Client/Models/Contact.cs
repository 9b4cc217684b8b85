namespace Sparkle.Client;

public sealed record Contact(string ExternalId, string DisplayName, string? DepartmentExternalId = null, string? SipNumber = null,
    string? Mobile = null, string? Landline = null, string? Email = null, string? Title = null);
