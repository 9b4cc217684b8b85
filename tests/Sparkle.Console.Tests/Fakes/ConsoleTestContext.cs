using Microsoft.Extensions.DependencyInjection;
using Sparkle.Client;
using Sparkle.Console.Localization;
using Sparkle.Console.Session;

namespace Sparkle.Console.Tests.Fakes;

/// <summary>A bUnit context with the console's services wired to fakes: the API (<see cref="Api"/>), the
/// browser's storage, a real <see cref="ConsoleSession"/> and the real string tables. Register extra services
/// before the first Render or service resolution.</summary>
public class ConsoleTestContext : BunitContext
{
    public ConsoleTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(new HttpClient(Api) { BaseAddress = new Uri("http://console.test/") });
        Services.AddSingleton<IBrowserStorage>(Storage);
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<ConsoleSession>();
        Services.AddScoped<Strings>();
    }

    public FakeApi Api { get; } = new();

    public FakeBrowserStorage Storage { get; } = new();

    public ConsoleSession Session => Services.GetRequiredService<ConsoleSession>();

    public Strings T => Services.GetRequiredService<Strings>();

    public BunitNavigationManager Navigation => Services.GetRequiredService<BunitNavigationManager>();

    /// <summary>Signs in through the real session against the fake /auth/login, as this role.</summary>
    public ConsoleSession SignIn(Role role, string number = "1001")
    {
        Api.LoginRole = role;
        Api.LoginNumber = number;
        var outcome = Session.SignInAsync("demo.sparkle.test", number, "secret").GetAwaiter().GetResult();
        Assert.True(outcome.Succeeded);
        return Session;
    }
}
