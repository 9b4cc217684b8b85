using Sparkle.Client;
using Sparkle.Console.Localization;

namespace Sparkle.Console.Pages.Admin.Shared;

/// <summary>Where an API error belongs in a form. A word in upper snake case (INVALID_LOGO, PASSWORD_TOO_WEAK) matches the
/// error's extensions.code; any other word matches its message ("PIN must be 4 to 12 digits." → the PIN field),
/// since BAD_USER_INPUT errors name no field. The first route that matches wins.</summary>
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
        var route = IsInputError(error.Code) ? routes.FirstOrDefault(r => r.Words.Any(w => Matches(w, error))) : null;
        if (route is not null)
        {
            Set(route.Field, text);
        }
        else
        {
            SetForm(text);
        }
    }

    private static bool Matches(string word, SparkleApiException error) =>
        IsCode(word) ? word == error.Code : error.Message.Contains(word, StringComparison.OrdinalIgnoreCase);

    // Codes are upper snake case with at least one underscore, so that a word like "PIN" still matches messages.
    private static bool IsCode(string word) => word.Contains('_') && word.All(c => char.IsAsciiLetterUpper(c) || c == '_');

    /// <summary>Errors about what was typed (BAD_USER_INPUT and the specific codes like INVALID_COLOR), as opposed
    /// to rights, existence, the session or the server.</summary>
    private static bool IsInputError(string? code) =>
        code is not (null or "FORBIDDEN" or "NOT_FOUND" or "UNAUTHENTICATED" or "INTERNAL_SERVER_ERROR" or "UNAVAILABLE" or "TRANSPORT");

    /// <summary>The API's message with its code and what to do about it, in the user's language.</summary>
    public static string Describe(SparkleApiException error, Strings t) => error.Code switch
    {
        "FORBIDDEN" => t.Format("admin.error.forbidden", error.Message),
        "NOT_FOUND" => t.Format("admin.error.notFound", error.Message),
        "UNAUTHENTICATED" => t["admin.error.unauthenticated"],
        _ when IsInputError(error.Code) => t.Format("admin.error.badInput", error.Message, error.Code),
        _ => t.Format("admin.error.other", error.Message, error.Code ?? "?"),
    };
}
