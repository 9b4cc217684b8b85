using Sparkle.Console.Session;

namespace Sparkle.Console.Tests.Fakes;

/// <summary>localStorage in a dictionary.</summary>
public sealed class FakeBrowserStorage : IBrowserStorage
{
    public Dictionary<string, string> Items { get; } = [];

    public ValueTask<string?> GetAsync(string key) => ValueTask.FromResult(Items.GetValueOrDefault(key));

    public ValueTask SetAsync(string key, string? value)
    {
        if (value is null)
        {
            Items.Remove(key);
        }
        else
        {
            Items[key] = value;
        }
        return ValueTask.CompletedTask;
    }
}
