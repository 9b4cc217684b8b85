using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.JSInterop;
using Sparkle.Client;

namespace Sparkle.Console.Session;

/// <summary>A tenant's look: product name, logo, colours and sign-in message (anonymous GET /auth/branding?tenant=).
/// The colours become the CSS variables --primary and --accent that the stylesheet is written in.</summary>
public sealed partial class Branding(HttpClient http, IJSRuntime js)
{
    public string? ProductName { get; private set; }
    public string? LogoDataUrl { get; private set; }
    public string? SignInMessage { get; private set; }
    public string? ForTenant { get; private set; }

    public event Action? Changed;

    /// <summary>Loads and applies the tenant's branding; an unknown tenant or an API without branding keeps the defaults.</summary>
    public async Task LoadAsync(string? tenant)
    {
        tenant = tenant?.Trim();
        if (string.IsNullOrEmpty(tenant) || tenant == ForTenant)
        {
            return;
        }
        ForTenant = tenant;
        BrandingBody? body = null;
        try
        {
            using var response = await http.GetAsync("auth/branding?tenant=" + Uri.EscapeDataString(tenant));
            if (response.IsSuccessStatusCode)
            {
                body = await response.Content.ReadFromJsonAsync<BrandingBody>(SparkleJson.Options);
            }
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException or NotSupportedException)
        {
            // Defaults until the server answers.
        }
        ProductName = Blank(body?.ProductName);
        // Only an inline image: a logo never makes the browser fetch from elsewhere.
        LogoDataUrl = body?.LogoDataUrl is { } logo && logo.StartsWith("data:image/", StringComparison.Ordinal) ? logo : null;
        SignInMessage = Blank(body?.SignInMessage);
        await SetColorAsync("--primary", body?.PrimaryColor);
        await SetColorAsync("--accent", body?.AccentColor);
        Changed?.Invoke();
    }

    private async Task SetColorAsync(string variable, string? color)
    {
        if (color is not null && Color().IsMatch(color))
        {
            await js.InvokeVoidAsync("document.documentElement.style.setProperty", variable, color);
        }
        else
        {
            await js.InvokeVoidAsync("document.documentElement.style.removeProperty", variable);
        }
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex Color();

    private sealed record BrandingBody(string? ProductName, string? LogoDataUrl, string? PrimaryColor, string? AccentColor, string? SignInMessage);
}
