using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Sparkle.Client;

/// <summary>The web console's sign-in API (/auth on the API host): password sign-in, refresh with rotation,
/// logout and the anonymous branding of a tenant's sign-in page. BCL only and browser-safe (Blazor
/// WebAssembly): plain HttpClient requests, no sockets, no crypto.</summary>
public sealed class SparkleAuthClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <param name="baseAddress">The API host, e.g. http://127.0.0.1:8080/ (the /auth paths are relative to it).</param>
    public SparkleAuthClient(Uri baseAddress, HttpClient? http = null)
    {
        BaseAddress = baseAddress;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient();
    }

    public Uri BaseAddress { get; }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <summary>Signs in with the tenant's SIP domain or name, the user's number and console password.</summary>
    /// <exception cref="SignInFailedException">invalid_credentials (401) or rate_limited (429, with RetryAfter).</exception>
    public Task<SignInResult> LoginAsync(string tenant, string number, string password, CancellationToken cancellationToken = default) =>
        PostForResultAsync("auth/login", new { tenant, number, password }, cancellationToken);

    /// <summary>A new access token and a new refresh token; the one passed in is spent.</summary>
    /// <exception cref="SignInFailedException">invalid_refresh_token (401): sign in again.</exception>
    public Task<SignInResult> RefreshAsync(string refreshToken, CancellationToken cancellationToken = default) =>
        PostForResultAsync("auth/refresh", new { refreshToken }, cancellationToken);

    /// <summary>Ends the session of this refresh token (unknown tokens are ignored).</summary>
    public async Task LogoutAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync(Url("auth/logout"), new { refreshToken }, SparkleJson.Options, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, cancellationToken);
        }
    }

    /// <summary>The tenant's branding, or the platform's when the tenant is unknown.</summary>
    public async Task<TenantBranding> GetBrandingAsync(string tenant, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(Url("auth/branding?tenant=" + Uri.EscapeDataString(tenant ?? "")), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, cancellationToken);
        }
        return await response.Content.ReadFromJsonAsync<TenantBranding>(SparkleJson.Options, cancellationToken)
            ?? throw new SignInFailedException("invalid_response", "The API sent no branding.", response.StatusCode);
    }

    private async Task<SignInResult> PostForResultAsync(string path, object body, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync(Url(path), body, SparkleJson.Options, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, cancellationToken);
        }
        return await response.Content.ReadFromJsonAsync<SignInResult>(SparkleJson.Options, cancellationToken)
            ?? throw new SignInFailedException("invalid_response", "The API sent no sign-in result.", response.StatusCode);
    }

    private Uri Url(string relative) => new(BaseAddress, relative);

    private static async Task<SignInFailedException> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string error = "http_" + (int)response.StatusCode, message = $"The API answered {(int)response.StatusCode}.";
        TimeSpan? retryAfter = response.Headers.RetryAfter?.Delta;
        try
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(SparkleJson.Options, cancellationToken);
            if (body.ValueKind == JsonValueKind.Object)
            {
                if (body.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String)
                {
                    error = e.GetString()!;
                }
                if (body.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    message = m.GetString()!;
                }
                if (retryAfter is null && body.TryGetProperty("retryAfter", out var r) && r.TryGetInt32(out var seconds))
                {
                    retryAfter = TimeSpan.FromSeconds(seconds);
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            // Not our JSON (a proxy's error page): keep the status-based code.
        }
        return new SignInFailedException(error, message, response.StatusCode, retryAfter);
    }
}
