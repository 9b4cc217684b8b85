namespace Sparkle.GraphQL.Schema;

/// <summary>Reads parsed input-object fields (absent and null both read as null).</summary>
public static class InputDictionary
{
    public static T? Value<T>(this IDictionary<string, object?> input, string name) =>
        input.TryGetValue(name, out var value) && value is T typed ? typed : default;

    public static string Required(this IDictionary<string, object?> input, string name) =>
        input.IdText(name) is { } text ? text : throw ResolveContextExtensions.BadInput($"'{name}' is required.");

    /// <summary>An ID field: the parser may hand over a string or a number.</summary>
    public static string? IdText(this IDictionary<string, object?> input, string name) =>
        input.TryGetValue(name, out var value) && value is not null ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    public static Guid Guid(this IDictionary<string, object?> input, string name) =>
        input.TryGetValue(name, out var value) && value is not null
            && (value is System.Guid g || System.Guid.TryParse(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), out g))
            ? g
            : throw ResolveContextExtensions.BadInput($"'{name}' must be an id (GUID).");

    public static bool Has(this IDictionary<string, object?> input, string name) => input.ContainsKey(name);

    public static IReadOnlyList<T> List<T>(this IDictionary<string, object?> input, string name) =>
        input.TryGetValue(name, out var value) && value is IEnumerable<object?> items ? items.OfType<T>().ToList() : [];
}
