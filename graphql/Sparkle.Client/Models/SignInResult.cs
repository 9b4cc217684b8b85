namespace Sparkle.Client;

/// <summary>A successful sign-in or refresh. Keep <see cref="RefreshToken"/> only until the next refresh: each
/// refresh hands out a new one and the old one stops working (presenting it again ends the session).</summary>
public sealed record SignInResult(
    string AccessToken,
    string RefreshToken,
    int ExpiresIn,
    Guid TenantId,
    string UserNumber,
    Role Role);
