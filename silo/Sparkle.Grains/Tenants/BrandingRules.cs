using System.Text;
using System.Text.RegularExpressions;
using Sparkle.Grains.Identity;

namespace Sparkle.Grains.Tenants;

/// <summary>What a tenant may put on its sign-in page: #rrggbb colours and a small PNG, JPEG or SVG logo as a
/// data URL whose bytes are what its media type says.</summary>
internal static partial class BrandingRules
{
    public static TenantBranding Validate(TenantBranding? branding)
    {
        if (branding is null)
        {
            throw new ValidationException("Branding is required.");
        }

        return new TenantBranding(
            Security.Validate.Text(branding.ProductName, "Product name", 100),
            Logo(branding.LogoDataUrl),
            Color(branding.PrimaryColor, "Primary colour"),
            Color(branding.AccentColor, "Accent colour"),
            Security.Validate.OptionalText(branding.SignInMessage, "Sign-in message", 1_000));
    }

    private static string Color(string? value, string field)
    {
        var text = value?.Trim() ?? "";
        return ColorPattern().IsMatch(text)
            ? text.ToLowerInvariant()
            : throw ValidationException.WithCode(ValidationCodes.InvalidColor, $"{field} must be #rrggbb.");
    }

    private static string? Logo(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var match = LogoPattern().Match(value.Trim());
        if (!match.Success)
        {
            throw ValidationException.WithCode(ValidationCodes.InvalidLogo,
                "The logo must be a data:image/png, image/jpeg or image/svg+xml;base64 URL.");
        }

        var payload = match.Groups["data"].Value;
        // Base64 is 4 characters per 3 bytes: refuse oversize input before decoding it.
        if (payload.Length > (TenantBranding.MaxLogoBytes + 2) / 3 * 4)
        {
            throw ValidationException.WithCode(ValidationCodes.InvalidLogo, $"The logo is larger than {TenantBranding.MaxLogoBytes / 1024} KiB.");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(payload);
        }
        catch (FormatException)
        {
            throw ValidationException.WithCode(ValidationCodes.InvalidLogo, "The logo's base64 is not valid.");
        }

        var kind = match.Groups["type"].Value;
        var looksRight = kind switch
        {
            "png" => bytes.AsSpan().StartsWith((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
            "jpeg" => bytes.AsSpan().StartsWith((byte[])[0xFF, 0xD8, 0xFF]),
            _ => Encoding.UTF8.GetString(bytes).Contains("<svg", StringComparison.OrdinalIgnoreCase),
        };
        if (bytes.Length == 0 || !looksRight)
        {
            throw ValidationException.WithCode(ValidationCodes.InvalidLogo, $"The logo's bytes are not image/{kind}.");
        }

        return $"data:image/{kind};base64,{payload}";
    }

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex ColorPattern();

    [GeneratedRegex(@"^data:image/(?<type>png|jpeg|svg\+xml);base64,(?<data>[A-Za-z0-9+/=]*)$")]
    private static partial Regex LogoPattern();
}
