namespace Sparkle.Console.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserFixture fixture)
{
    [Fact]
    public async Task WrongPasswordIsRefusedAndTheRightOneSignsInOnThePageAskedFor()
    {
        await using var tab = await ConsolePage.OpenAsync(fixture);
        await tab.GoAsync("meetings");
        // Signed out: the app sends the visitor to sign-in, remembering where they were going.
        await tab.WaitAsync("() => location.pathname === '/signin' && location.search.includes('returnUrl=meetings')");
        await tab.ScreenshotAsync("signin");

        var tenant = fixture.Platform.Tenants[0];
        await tab.SubmitSignInAsync(tenant.Name, "1003", "not-the-password");
        await tab.WaitAsync("() => !!document.querySelector('.form-error[role=alert]')");
        Assert.Equal("/signin", await tab.EvalAsync<string>("() => location.pathname"));
        await tab.ScreenshotAsync("signin-failed");

        await tab.SubmitSignInAsync(tenant.Name, "1003", fixture.Platform.User(0, "1003").Password);
        await tab.WaitAsync("() => location.pathname === '/meetings' && !!document.querySelector('header.top-bar')");
        Assert.Contains("1003", await tab.EvalAsync<string>("() => document.querySelector('header.top-bar').innerText"));
        await tab.ScreenshotAsync("meetings");
    }

    [Fact]
    public async Task SwitchesToChineseAndBackAndRemembersIt()
    {
        await using var tab = await ConsolePage.OpenAsync(fixture);
        await tab.SignInAsync(0, "1003");
        const string picker = "header.top-bar select[data-testid=language]";
        await tab.Page.SelectAsync(picker, "zh-CN");
        await tab.WaitAsync("() => document.documentElement.lang === 'zh-CN' && document.querySelector('nav#main-nav').innerText.includes('会议') && document.querySelector('main h1').innerText.includes('会议')");
        await tab.ScreenshotAsync("meetings-zh-CN");

        // A reload keeps the user's language.
        await tab.Page.ReloadAsync();
        await tab.WaitAsync("() => !!document.querySelector('nav#main-nav') && document.querySelector('nav#main-nav').innerText.includes('会议')");

        await tab.Page.SelectAsync(picker, "en");
        await tab.WaitAsync("() => document.documentElement.lang === 'en' && document.querySelector('nav#main-nav').innerText.includes('Meetings') && document.querySelector('main h1').innerText.includes('Meetings')");
    }

    [Fact]
    public async Task WorksOnAPhoneSizedScreen()
    {
        await using var tab = await ConsolePage.OpenAsync(fixture, 390, 844);
        await tab.SignInAsync(0, "1003");
        // The navigation folds behind the menu button.
        Assert.False(await tab.EvalAsync<bool>("() => getComputedStyle(document.querySelector('nav#main-nav')).display !== 'none'"));
        await tab.Page.ClickAsync("button.menu-toggle");
        await tab.WaitAsync("() => getComputedStyle(document.querySelector('nav#main-nav')).display !== 'none'");
        await tab.ScreenshotAsync("phone-menu");
    }
}
