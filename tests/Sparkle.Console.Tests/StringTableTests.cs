using System.Reflection;
using System.Text.Json;
using Sparkle.Console.Localization;

namespace Sparkle.Console.Tests;

public sealed class StringTableTests
{
    private static readonly Assembly Console = typeof(Strings).Assembly;

    public static TheoryData<string> Areas()
    {
        var data = new TheoryData<string>();
        foreach (var name in Console.GetManifestResourceNames().Where(n => n.EndsWith(".en.json", StringComparison.Ordinal)))
        {
            data.Add(name[..^".en.json".Length]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Areas))]
    public void EveryAreaHasTheSameKeysInEnglishAndChineseAndNoneIsEmpty(string area)
    {
        var english = Read(area + ".en.json");
        var chinese = Read(area + ".zh-CN.json");

        Assert.Empty(english.Keys.Except(chinese.Keys));
        Assert.Empty(chinese.Keys.Except(english.Keys));
        Assert.DoesNotContain(english, e => string.IsNullOrWhiteSpace(e.Value));
        Assert.DoesNotContain(chinese, e => string.IsNullOrWhiteSpace(e.Value));
    }

    [Fact]
    public void TheMergedTablesLoadWithoutDuplicateKeys()
    {
        Assert.Equal(Strings.Table(Strings.English).Keys.Order(), Strings.Table(Strings.SimplifiedChinese).Keys.Order());
        Assert.Contains("admin.meetings.search", Strings.Table(Strings.English).Keys);
    }

    [Fact]
    public void PlaceholdersMatchBetweenLanguages()
    {
        var english = Strings.Table(Strings.English);
        var chinese = Strings.Table(Strings.SimplifiedChinese);
        foreach (var (key, text) in english)
        {
            Assert.True(Placeholders(text).SetEquals(Placeholders(chinese[key])), $"{key}: '{text}' and '{chinese[key]}' fill in different values");
        }
    }

    private static HashSet<string> Placeholders(string text) =>
        System.Text.RegularExpressions.Regex.Matches(text, @"\{\d+\}").Select(m => m.Value).ToHashSet();

    private static Dictionary<string, string> Read(string resource)
    {
        using var stream = Console.GetManifestResourceStream(resource) ?? throw new InvalidOperationException($"{resource} is missing");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(stream)!;
    }
}
