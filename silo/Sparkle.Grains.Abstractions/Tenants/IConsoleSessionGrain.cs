namespace Sparkle.Grains.Tenants;

/// <summary>What a sign-in or a refresh hands out: a new refresh token (the only time it exists in plain),
/// its session (token family) and the user's current role.</summary>
[GenerateSerializer, Immutable]
public sealed record ConsoleSessionGrant(
    [property: Id(0)] Guid TenantId,
    [property: Id(1)] string Number,
    [property: Id(2)] Identity.Role Role,
    [property: Id(3)] Guid SessionId,
    [property: Id(4)] string RefreshToken);

/// <summary>A user's web-console sessions: one refresh-token family per sign-in, stored as SHA-256 hashes with
/// a sliding and an absolute expiry. Rotation on every refresh; presenting a rotated token again revokes its
/// family. Called by the API host only after it has authenticated the user (no caller argument: the
/// sign-in is what authenticates). Key: <see cref="UserKey.For"/>.</summary>
public interface IConsoleSessionGrain : IGrainWithStringKey
{
    /// <summary>Starts a session for a user whose password was just checked.</summary>
    Task<ConsoleSessionGrant?> StartAsync(DateTimeOffset now);
    Task<ConsoleSessionGrant?> RotateAsync(Guid sessionId, string tokenHash, DateTimeOffset now);
    Task RevokeAsync(Guid sessionId, string tokenHash);
    Task RevokeAllAsync(Guid? except);
}

/// <summary>Index from a refresh token's SHA-256 (hex, the key) to its user and session, so a token alone can
/// be redeemed. Holds no secret.</summary>
public interface IRefreshTokenGrain : IGrainWithStringKey
{
    Task BindAsync(Guid tenantId, string number, Guid sessionId, DateTimeOffset expiresAt);
    /// <summary>A new grant (the presented token is spent), or null when the token is unknown, expired,
    /// revoked or reused (reuse revokes the whole session).</summary>
    Task<ConsoleSessionGrant?> RedeemAsync(DateTimeOffset now);
    Task RevokeAsync();
}

/// <summary>Counts failed sign-ins of one account ("account:{tenant}/{number}") or one client address
/// ("address:{ip}") in a sliding window. Kept in the activation's memory: shared by every API host, lost
/// when the silo restarts (a restart lifting limits early is acceptable).</summary>
public interface ILoginGuardGrain : IGrainWithStringKey
{
    /// <summary>How long until another attempt is allowed, or null when it is allowed now.</summary>
    Task<TimeSpan?> CheckAsync(DateTimeOffset now, int maxFailures, TimeSpan window);
    Task RecordFailureAsync(DateTimeOffset now, TimeSpan window);
    Task ResetAsync();
}

/// <summary>Refresh tokens: 32 random bytes, base64url; only their SHA-256 (hex) is ever stored.</summary>
public static class RefreshTokens
{
    public static (string Token, string Hash) New()
    {
        var token = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        return (token, HashOf(token));
    }

    public static string HashOf(string token) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token ?? "")));
}
