using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sparkle.Client;

namespace Sparkle.Console.Session;

/// <summary>Who is signed in, with which tokens. The access token is short-lived; <see cref="GetApiAsync"/>
/// refreshes it shortly before it expires, so pages just ask for a client. The refresh token is kept in
/// localStorage so that a reload (or a new tab) stays signed in; signing out revokes it on the server.</summary>
public sealed class ConsoleSession(HttpClient http, IBrowserStorage storage, TimeProvider clock)
{
    private const string RefreshKey = "sparkle.refresh";
    private const string TenantKey = "sparkle.tenant";
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    public string? AccessToken { get; private set; }
    public DateTimeOffset AccessTokenExpires { get; private set; }
    public Guid? TenantId { get; private set; }
    public string? UserNumber { get; private set; }
    public Role? Role { get; private set; }
    /// <summary>What the user typed as organisation (domain or name): branding and the next sign-in use it.</summary>
    public string? Tenant { get; private set; }

    public bool IsSignedIn => AccessToken is not null;

    /// <summary>The tenant's look (product name, logo, colours, sign-in message), from /auth/branding.</summary>
    public Branding Branding { get; } = new(http);

    /// <summary>Raised when the user signs in or out, or the session ends.</summary>
    public event Action? Changed;

    public Uri GraphQLEndpoint => new(http.BaseAddress!, "graphql");

    /// <summary>Restores a session from the stored refresh token (a reload or a new tab).</summary>
    public async Task<bool> TryResumeAsync()
    {
        Tenant ??= await storage.GetAsync(TenantKey);
        if (IsSignedIn)
        {
            return true;
        }
        var refresh = await storage.GetAsync(RefreshKey);
        return refresh is not null && await RefreshAsync(refresh);
    }

    public async Task<SignInOutcome> SignInAsync(string tenant, string number, string password)
    {
        using var response = await http.PostAsJsonAsync("auth/login", new { tenant, number, password }, SparkleJson.Options);
        if (response.IsSuccessStatusCode)
        {
            Tenant = tenant;
            await storage.SetAsync(TenantKey, tenant);
            await AcceptAsync(response);
            return SignInOutcome.SignedIn;
        }
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            var wait = body.TryGetProperty("retryAfter", out var r) && r.TryGetInt32(out var s) ? s : 60;
            return SignInOutcome.RateLimited(wait);
        }
        return SignInOutcome.Failed;
    }

    public async Task SignOutAsync()
    {
        var refresh = await storage.GetAsync(RefreshKey);
        if (refresh is not null)
        {
            try
            {
                using var _ = await http.PostAsJsonAsync("auth/logout", new { refreshToken = refresh });
            }
            catch (HttpRequestException)
            {
                // Offline: the token is forgotten here and expires there.
            }
        }
        await EndAsync();
    }

    /// <summary>A client with a valid access token, or null when the session has ended (sign in again).</summary>
    public async Task<SparkleClient?> GetApiAsync()
    {
        if (AccessToken is null)
        {
            return null;
        }
        if (clock.GetUtcNow() >= AccessTokenExpires - RefreshMargin)
        {
            var refresh = await storage.GetAsync(RefreshKey);
            if (refresh is null || !await RefreshAsync(refresh))
            {
                return null;
            }
        }
        return new SparkleClient(GraphQLEndpoint, AccessToken, http);
    }

    private async Task<bool> RefreshAsync(string refreshToken)
    {
        await _refreshing.WaitAsync();
        try
        {
            // Another caller may have refreshed while this one waited.
            if (AccessToken is not null && clock.GetUtcNow() < AccessTokenExpires - RefreshMargin)
            {
                return true;
            }
            using var response = await http.PostAsJsonAsync("auth/refresh", new { refreshToken });
            if (!response.IsSuccessStatusCode)
            {
                await EndAsync();
                return false;
            }
            await AcceptAsync(response);
            return true;
        }
        catch (HttpRequestException)
        {
            // The API host is unreachable: keep the stored token and let the caller retry later.
            return false;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task AcceptAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<TokenResponse>(SparkleJson.Options)
            ?? throw new InvalidOperationException("empty sign-in response");
        AccessToken = body.AccessToken;
        AccessTokenExpires = clock.GetUtcNow().AddSeconds(body.ExpiresIn);
        TenantId = body.TenantId;
        UserNumber = body.UserNumber;
        Role = body.Role;
        await storage.SetAsync(RefreshKey, body.RefreshToken);
        Changed?.Invoke();
    }

    private async Task EndAsync()
    {
        AccessToken = null;
        TenantId = null;
        UserNumber = null;
        Role = null;
        await storage.SetAsync(RefreshKey, null);
        Changed?.Invoke();
    }

    private sealed record TokenResponse(string AccessToken, string RefreshToken, int ExpiresIn, Guid TenantId, string UserNumber, Role Role);
}

public sealed record SignInOutcome(bool Succeeded, int? RetryAfterSeconds)
{
    public static readonly SignInOutcome SignedIn = new(true, null);
    public static readonly SignInOutcome Failed = new(false, null);
    public static SignInOutcome RateLimited(int seconds) => new(false, seconds);
}
