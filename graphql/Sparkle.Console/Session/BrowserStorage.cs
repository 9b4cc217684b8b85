using Microsoft.JSInterop;

namespace Sparkle.Console.Session;

/// <summary>The browser's localStorage: the refresh token and the language survive a reload.</summary>
public interface IBrowserStorage
{
    ValueTask<string?> GetAsync(string key);
    ValueTask SetAsync(string key, string? value);
}

public sealed class LocalStorage(IJSRuntime js) : IBrowserStorage
{
    public ValueTask<string?> GetAsync(string key) => js.InvokeAsync<string?>("localStorage.getItem", key);

    public ValueTask SetAsync(string key, string? value) =>
        value is null ? js.InvokeVoidAsync("localStorage.removeItem", key) : js.InvokeVoidAsync("localStorage.setItem", key, value);
}
