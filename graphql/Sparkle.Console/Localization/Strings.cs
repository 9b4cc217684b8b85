using System.Reflection;
using System.Text.Json;

namespace Sparkle.Console.Localization;

/// <summary>The console's words in every language it speaks. Components never hold user-visible text: they
/// ask for a key (<c>T["meetings.title"]</c>). The tables are the embedded Localization/Tables/{area}.{language}.json
/// files (one area per page or feature, so that people working on different pages do not edit one file),
/// merged per language; a key missing from a language falls back to English, and a key missing from English
/// shows as itself (a test keeps every table complete).</summary>
public sealed class Strings
{
    public const string English = "en";
    public const string SimplifiedChinese = "zh-CN";

    /// <summary>The languages offered, with their own names (shown as such in every language).</summary>
    public static readonly IReadOnlyList<(string Code, string Name)> Languages = [(English, "English"), (SimplifiedChinese, "简体中文")];

    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> _tables;

    public Strings()
    {
        _tables = Languages.ToDictionary(l => l.Code, l => Load(l.Code));
    }

    public string Language { get; private set; } = English;

    /// <summary>Raised after the language changed, so that the layout re-renders everything.</summary>
    public event Action? Changed;

    public string this[string key] =>
        _tables[Language].TryGetValue(key, out var text) ? text
        : _tables[English].TryGetValue(key, out var english) ? english
        : key;

    /// <summary>The text with {0}, {1}... filled in.</summary>
    public string Format(string key, params object?[] args) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, this[key], args);

    public void SetLanguage(string code)
    {
        var known = Languages.Any(l => l.Code == code) ? code : English;
        if (known == Language)
        {
            return;
        }
        Language = known;
        Changed?.Invoke();
    }

    /// <summary>Every key of one language's table (tests compare the tables).</summary>
    public static IReadOnlyDictionary<string, string> Table(string code) => Load(code);

    private static IReadOnlyDictionary<string, string> Load(string code)
    {
        var assembly = typeof(Strings).Assembly;
        var table = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith($".{code}.json", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            foreach (var (key, text) in JsonSerializer.Deserialize<Dictionary<string, string>>(stream)!)
            {
                if (!table.TryAdd(key, text))
                {
                    throw new InvalidOperationException($"The string '{key}' is defined twice for {code} (in {name}).");
                }
            }
        }
        return table;
    }
}
