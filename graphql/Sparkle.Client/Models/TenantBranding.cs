namespace Sparkle.Client;

/// <summary>How a tenant's sign-in page and console look. Colours are #rrggbb; the logo is a data: URL.</summary>
public sealed record TenantBranding(
    string ProductName,
    string? LogoDataUrl,
    string PrimaryColor,
    string AccentColor,
    string? SignInMessage);
