namespace Sparkle.GraphQL.Auth;

/// <summary>POST /auth/login. Tenant: its SIP domain or its name.</summary>
public sealed record LoginRequest(string? Tenant, string? Number, string? Password);

/// <summary>POST /auth/refresh and /auth/logout.</summary>
public sealed record RefreshRequest(string? RefreshToken);

/// <summary>200 of login and refresh. ExpiresIn: the access token's lifetime in seconds.</summary>
public sealed record SignInResponse(
    string AccessToken,
    string RefreshToken,
    int ExpiresIn,
    Guid TenantId,
    string UserNumber,
    string Role);

/// <summary>Every 4xx of /auth: a stable code ("invalid_credentials", "rate_limited", "invalid_refresh_token",
/// "invalid_request") and a readable message; RetryAfter (seconds) only with rate_limited.</summary>
public sealed record AuthError(
    string Error,
    string Message,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    int? RetryAfter = null);

/// <summary>GET /auth/branding.</summary>
public sealed record BrandingResponse(
    string ProductName,
    string? LogoDataUrl,
    string PrimaryColor,
    string AccentColor,
    string? SignInMessage);
