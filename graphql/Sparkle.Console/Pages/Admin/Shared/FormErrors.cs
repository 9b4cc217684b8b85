using Sparkle.Client;
using Sparkle.Console.Localization;

namespace Sparkle.Console.Pages.Admin.Shared;

/// <summary>Where an API error belongs in a form: the field whose name or words the API's message mentions.
/// The API's typed errors (extensions.code) carry no field, so a form lists, per field, the words its
/// validation messages use ("PIN must be 4 to 12 digits." → the PIN field).</summary>
public sealed record FieldRoute(string Field, params string[] Words);

/// <summary>The errors a form shows: one per field (next to it, by id "{field}-error") and one for the
/// whole form. API errors keep their code and message and say what to do.</summary>
public sealed class FormErrors
{
    private readonly Dictionary<string, string> _fields = new(StringComparer.Ordinal);

    public string? Form { get; private set; }

    public string? this[string field] => _fields.GetValueOrDefault(field);

    public bool Any => Form is not null || _fields.Count > 0;

    public bool Has(string field) => _fields.ContainsKey(field);

    public void Clear()
    {
        _fields.Clear();
        Form = null;
    }

    public void Set(string field, string text) => _fields[field] = text;

    public void SetForm(string text) => Form = text;

    /// <summary>Files the error under the first field the message mentions, else under the form.</summary>
    public void FromApi(SparkleApiException error, Strings t, params FieldRoute[] routes)
    {
        var text = Describe(error, t);
        var route = error.Code == "BAD_USER_INPUT"
            ? routes.FirstOrDefault(r => r.Words.Any(w => error.Message.Contains(w, StringComparison.OrdinalIgnoreCase)))
            : null;
        if (route is not null)
        {
            Set(route.Field, text);
        }
        else
        {
            SetForm(text);
        }
    }

    /// <summary>The API's message with its code and what to do about it, in the user's language.</summary>
    public static string Describe(SparkleApiException error, Strings t) => error.Code switch
    {
        "BAD_USER_INPUT" => t.Format("admin.error.badInput", error.Message),
        "FORBIDDEN" => t.Format("admin.error.forbidden", error.Message),
        "NOT_FOUND" => t.Format("admin.error.notFound", error.Message),
        "UNAUTHENTICATED" => t["admin.error.unauthenticated"],
        _ => t.Format("admin.error.other", error.Message, error.Code ?? "?"),
    };
}
