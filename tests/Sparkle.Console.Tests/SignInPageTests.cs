using Sparkle.Console.Pages;
using Sparkle.Console.Tests.Fakes;

namespace Sparkle.Console.Tests;

public sealed class SignInPageTests : ConsoleTestContext
{
    [Fact]
    public void SubmittingEmptyShowsARequiredErrorNextToEachFieldAndSendsNothing()
    {
        var page = Render<SignIn>();

        page.Find("form").Submit();

        Assert.Equal("true", page.Find("#number").GetAttribute("aria-invalid"));
        Assert.Equal(T["signIn.required"], page.Find("#number-error").TextContent);
        Assert.Equal(T["signIn.required"], page.Find("#password-error").TextContent);
        Assert.Equal(T["signIn.required"], page.Find("#tenant-error").TextContent);
        Assert.Null(Session.AccessToken);
    }
}
