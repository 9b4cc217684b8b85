using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Sparkle.Client;

namespace Sparkle.Console.Session;

/// <summary>A tenant's look: product name, logo, colours and sign-in message (anonymous GET /auth/branding?tenant=).
/// The colours become the CSS variables --primary and --accent that the stylesheet is written in (<see cref="Css"/>,
/// which the layout puts in the page's head). Owned by <see cref="ConsoleSession"/>, which knows the tenant.</summary>
public sealed partial class Branding(HttpClient http)
{
    public string? ProductName { get; private set; }
    public string? LogoDataUrl { get; private set; }
    public string? SignInMessage { get; private set; }
    public string? ForTenant { get; private set; }
    public string? PrimaryColor { get; private set; }
    public string? AccentColor { get; private set; }

    /// <summary>The :root rule that overrides the stylesheet's colours, or null for the defaults. Only #rrggbb
    /// values get here, so nothing else can be written into the style sheet.</summary>
    public string? Css => PrimaryColor is null && AccentColor is null ? null
        : ":root{" + (PrimaryColor is null ? "" : "--primary:" + PrimaryColor + ";") + (AccentColor is null ? "" : "--accent:" + AccentColor + ";") + "}";

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
        PrimaryColor = ColorOrNull(body?.PrimaryColor);
        AccentColor = ColorOrNull(body?.AccentColor);
        Changed?.Invoke();
    }

    private static string? ColorOrNull(string? color) => color is not null && Color().IsMatch(color) ? color : null;

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex Color();

    private sealed record BrandingBody(string? ProductName, string? LogoDataUrl, string? PrimaryColor, string? AccentColor, string? SignInMessage);
}
