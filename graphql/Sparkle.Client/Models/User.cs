namespace Sparkle.Client;

public sealed record User(string Number, string DisplayName, Role Role, string? Mobile, string? Landline, string? Email);
