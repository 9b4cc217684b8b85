using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Identity;

namespace Sparkle.GraphQL.Auth;

/// <summary>The web console's sign-in: password to access + refresh token, refresh with rotation, logout, and
/// the anonymous branding of the sign-in page. The grains check passwords, keep the sessions and count
/// failures; this class speaks HTTP and issues the access tokens.</summary>
public sealed partial class AuthEndpoints(
    IServiceProvider services,
    IGrainFactory grains,
    IOptions<AuthOptions> options,
    TimeProvider clock)
{
    private const int MaxBodyBytes = 16 * 1024;
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private AuthOptions Options => options.Value;

    private TimeSpan Window => TimeSpan.FromMinutes(Options.FailureWindowMinutes);

    public async Task<IResult> LoginAsync(HttpContext context)
    {
        var body = await ReadAsync<LoginRequest>(context);
        if (body is not { Tenant: { Length: > 0 } tenant, Number: { Length: > 0 } rawNumber, Password: { } password })
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "Send JSON with tenant, number and password.");
        }

        var now = clock.GetUtcNow();
        var number = rawNumber.Trim();
        var tenantId = await FindTenantAsync(tenant);
        var accountKey = $"account:{tenantId?.ToString("N") ?? tenant.Trim().ToLowerInvariant()}/{number}";
        var addressKey = $"address:{context.Connection.RemoteIpAddress?.ToString() ?? "unknown"}";
        var account = grains.GetGrain<ILoginGuardGrain>(accountKey);
        var address = grains.GetGrain<ILoginGuardGrain>(addressKey);

        var accountWait = await account.CheckAsync(now, Options.MaxFailuresPerAccount, Window);
        var addressWait = await address.CheckAsync(now, Options.MaxFailuresPerAddress, Window);
        if ((accountWait ?? TimeSpan.Zero) > TimeSpan.Zero || (addressWait ?? TimeSpan.Zero) > TimeSpan.Zero)
        {
            var wait = accountWait > addressWait || addressWait is null ? accountWait!.Value : addressWait.Value;
            return RateLimited(context, wait);
        }

        Role? role = null;
        if (tenantId is { } id && NumberPattern().IsMatch(number))
        {
            role = await grains.GetGrain<IUserGrain>(UserKey.For(id, number)).VerifyConsolePasswordAsync(Caller.System(id), password);
        }
        else
        {
            // Same work as a real check, so an unknown tenant answers no faster than a wrong password.
            ConsolePasswords.Verify(password, null);
        }

        var grant = role is null ? null : await grains.GetGrain<IConsoleSessionGrain>(UserKey.For(tenantId!.Value, number)).StartAsync(now);
        if (grant is null)
        {
            await Task.WhenAll(account.RecordFailureAsync(now, Window), address.RecordFailureAsync(now, Window));
            return Error(StatusCodes.Status401Unauthorized, "invalid_credentials", "The tenant, number or password is not right.");
        }

        await account.ResetAsync();
        return SignedIn(grant);
    }

    public async Task<IResult> RefreshAsync(HttpContext context)
    {
        var body = await ReadAsync<RefreshRequest>(context);
        var grant = body?.RefreshToken is { Length: > 0 and <= 128 } token
            ? await grains.GetGrain<IRefreshTokenGrain>(RefreshTokens.HashOf(token)).RedeemAsync(clock.GetUtcNow())
            : null;
        return grant is null
            ? Error(StatusCodes.Status401Unauthorized, "invalid_refresh_token", "The refresh token is unknown, expired or revoked: sign in again.")
            : SignedIn(grant);
    }

    public async Task<IResult> LogoutAsync(HttpContext context)
    {
        var body = await ReadAsync<RefreshRequest>(context);
        if (body?.RefreshToken is { Length: > 0 and <= 128 } token)
        {
            await grains.GetGrain<IRefreshTokenGrain>(RefreshTokens.HashOf(token)).RevokeAsync();
        }
        return Results.NoContent();
    }

    public async Task<IResult> BrandingAsync(HttpContext context)
    {
        var tenant = context.Request.Query["tenant"].ToString();
        var branding = await FindTenantAsync(tenant) is { } id
            ? await grains.GetGrain<ITenantGrain>(id).GetPublicBrandingAsync()
            : TenantBranding.Default;
        return Results.Json(
            new BrandingResponse(branding.ProductName, branding.LogoDataUrl, branding.PrimaryColor, branding.AccentColor, branding.SignInMessage),
            s_json);
    }

    /// <summary>A tenant by SIP domain, else by name.</summary>
    private async Task<Guid?> FindTenantAsync(string? tenant)
    {
        if (string.IsNullOrWhiteSpace(tenant) || tenant.Length > 253)
        {
            return null;
        }
        var registry = grains.GetGrain<ITenantRegistryGrain>(0);
        return await registry.FindByDomainAsync(tenant) ?? await registry.FindByNameAsync(tenant);
    }

    private IResult SignedIn(ConsoleSessionGrant grant)
    {
        var issuer = services.GetRequiredService<LocalTokenIssuer>();
        var lifetime = TimeSpan.FromMinutes(Options.AccessTokenMinutes);
        var accessToken = issuer.IssueForUser(grant.TenantId, grant.Number, lifetime, grant.SessionId);
        return Results.Json(
            new SignInResponse(accessToken, grant.RefreshToken, (int)lifetime.TotalSeconds, grant.TenantId, grant.Number, grant.Role.ToWire()),
            s_json);
    }

    private static IResult RateLimited(HttpContext context, TimeSpan wait)
    {
        var seconds = (int)Math.Ceiling(wait.TotalSeconds);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Json(
            new AuthError("rate_limited", $"Too many failed sign-ins: try again in {seconds} s.", seconds),
            s_json, statusCode: StatusCodes.Status429TooManyRequests);
    }

    private static IResult Error(int status, string error, string message) =>
        Results.Json(new AuthError(error, message), s_json, statusCode: status);

    private static async Task<T?> ReadAsync<T>(HttpContext context)
        where T : class
    {
        if (context.Request.ContentLength > MaxBodyBytes || !context.Request.HasJsonContentType())
        {
            return null;
        }
        try
        {
            return await context.Request.ReadFromJsonAsync<T>(s_json, context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[0-9]{2,16}$")]
    private static partial Regex NumberPattern();
}
