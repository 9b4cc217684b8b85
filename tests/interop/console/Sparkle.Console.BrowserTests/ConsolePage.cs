using PuppeteerSharp;

namespace Sparkle.Console.BrowserTests;

/// <summary>A console tab in its own incognito context, with the waits every test needs. Every wait is on a
/// condition in the page, with <see cref="BrowserFixture.Patience"/>.</summary>
public sealed class ConsolePage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly Platform _platform;

    private ConsolePage(IBrowserContext context, IPage page, Platform platform)
    {
        _context = context;
        Page = page;
        _platform = platform;
    }

    public IPage Page { get; }

    public static async Task<ConsolePage> OpenAsync(BrowserFixture fixture, int width = 1280, int height = 900)
    {
        var context = await fixture.Browser.CreateBrowserContextAsync();
        var page = await context.NewPageAsync();
        page.DefaultTimeout = (int)BrowserFixture.Patience.TotalMilliseconds;
        await page.SetViewportAsync(new ViewPortOptions { Width = width, Height = height });
        return new ConsolePage(context, page, fixture.Platform);
    }

    public async Task GoAsync(string path)
    {
        await Page.GoToAsync(new Uri(_platform.Console, path).ToString(), new NavigationOptions { WaitUntil = [WaitUntilNavigation.DOMContentLoaded] });
    }

    /// <summary>Fills the sign-in form (the app sends a signed-out visitor there) and submits it.</summary>
    public async Task SubmitSignInAsync(string tenant, string number, string password)
    {
        await Page.WaitForSelectorAsync("form #tenant");
        await SetFieldAsync("#tenant", tenant);
        await SetFieldAsync("#number", number);
        await SetFieldAsync("#password", password);
        await Page.ClickAsync("form button[type=submit]");
    }

    /// <summary>Signs in on the page asked for (which the app sends to sign-in first) and waits to be back on it.</summary>
    public async Task SignInAsync(int tenant, string number, string path = "meetings")
    {
        await GoAsync(path);
        var user = _platform.User(tenant, number);
        await SubmitSignInAsync(_platform.Tenants[tenant].Name, number, user.Password);
        await Page.WaitForSelectorAsync("header.top-bar");
    }

    /// <summary>Types into a field and leaves it, so that Blazor's @bind (on change) has the value.</summary>
    public async Task SetFieldAsync(string selector, string value)
    {
        await Page.ClickAsync(selector, new PuppeteerSharp.Input.ClickOptions { Count = 3 });
        await Page.Keyboard.PressAsync("Backspace");
        await Page.TypeAsync(selector, value);
        await Page.EvaluateFunctionAsync("s => document.querySelector(s).dispatchEvent(new Event('change', { bubbles: true }))", selector);
    }

    public Task WaitAsync(string predicate, params object[] args) =>
        Page.WaitForFunctionAsync(predicate, new WaitForFunctionOptions { Timeout = (int)BrowserFixture.Patience.TotalMilliseconds, PollingInterval = 200 }, args);

    public Task<T> EvalAsync<T>(string function, params object[] args) => Page.EvaluateFunctionAsync<T>(function, args);

    public async Task ScreenshotAsync(string name)
    {
        await Page.ScreenshotAsync(Path.Combine(_platform.Results, name + ".png"), new ScreenshotOptions { FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await Page.CloseAsync();
        await _context.CloseAsync();
    }
}
