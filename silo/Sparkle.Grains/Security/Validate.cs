using System.Text.RegularExpressions;
using Sparkle.Grains.Identity;

namespace Sparkle.Grains.Security;

/// <summary>Input checks shared by the grains: a clear ValidationException, nothing changed.</summary>
public static partial class Validate
{
    public static string Text(string? value, string field, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new ValidationException($"{field} is required.");
        }

        return trimmed.Length <= maxLength ? trimmed : throw new ValidationException($"{field} is longer than {maxLength} characters.");
    }

    public static string? OptionalText(string? value, string field, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        return trimmed.Length <= maxLength ? trimmed : throw new ValidationException($"{field} is longer than {maxLength} characters.");
    }

    /// <summary>A short number (extension): 2 to 16 digits.</summary>
    public static string Extension(string? value, string field = "Number")
    {
        var text = Text(value, field, 16);
        return ExtensionPattern().IsMatch(text) ? text : throw new ValidationException($"{field} must be 2 to 16 digits.");
    }

    /// <summary>Something dialable: a short number, an E.164 number (+ and digits) or a landline with * and #.</summary>
    public static string Dialable(string? value, string field = "Number")
    {
        var text = Text(value, field, 32);
        return DialablePattern().IsMatch(text) ? text : throw new ValidationException($"{field} is not a dialable number.");
    }

    public static bool IsDialable(string? value) => value is not null && DialablePattern().IsMatch(value);

    public static string? Pin(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return PinPattern().IsMatch(value) ? value : throw new ValidationException("PIN must be 4 to 12 digits.");
    }

    public static string SipDomain(string? value)
    {
        var text = Text(value, "SIP domain", 253).ToLowerInvariant();
        return DomainPattern().IsMatch(text) ? text : throw new ValidationException($"'{text}' is not a SIP domain.");
    }

    public static string LayoutId(string? value)
    {
        var text = Text(value, "Layout", 64);
        return LayoutPattern().IsMatch(text) ? text : throw new ValidationException("Layout ids are letters, digits, '-', '_' and '+'.");
    }

    public static void Role(Role role)
    {
        if (!Enum.IsDefined(role))
        {
            throw new ValidationException("Unknown role.");
        }
    }

    [GeneratedRegex("^[0-9]{2,16}$")]
    private static partial Regex ExtensionPattern();

    [GeneratedRegex(@"^\+?[0-9*#]{2,31}$")]
    private static partial Regex DialablePattern();

    [GeneratedRegex("^[0-9]{4,12}$")]
    private static partial Regex PinPattern();

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")]
    private static partial Regex DomainPattern();

    // '+' as in the compositor's "insets-1+4".
    [GeneratedRegex("^[A-Za-z0-9_+-]{1,64}$")]
    private static partial Regex LayoutPattern();
}
