using Sparkle.Client;
using Sparkle.Console.Layout;
using Sparkle.Console.Localization;
using Sparkle.Console.Tests.Fakes;

namespace Sparkle.Console.Tests.Session;

public sealed class LanguageMemoryTests : ConsoleTestContext
{
    [Fact]
    public void TheLanguageIsRememberedForTheSignedInUser()
    {
        var session = SignIn(Role.Chair, "1003");
        var picker = Render<LanguagePicker>();

        picker.Find("select").Change(Strings.SimplifiedChinese);

        Assert.Equal(Strings.SimplifiedChinese, T.Language);
        Assert.Equal(Strings.SimplifiedChinese, Storage.Items[$"sparkle.language.{session.TenantId:N}.1003"]);
    }

    [Fact]
    public void EachUserGetsTheirOwnLanguageBack()
    {
        Storage.Items[$"sparkle.language.{Api.TenantId:N}.1004"] = Strings.SimplifiedChinese;
        Storage.Items["sparkle.language"] = Strings.English;
        SignIn(Role.Member, "1004");

        Render<LanguagePicker>();

        Assert.Equal(Strings.SimplifiedChinese, T.Language);
    }
}
