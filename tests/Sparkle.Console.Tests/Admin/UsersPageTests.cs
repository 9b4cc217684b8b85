using Sparkle.Client;
using Sparkle.Console.Pages.Admin.Users;
using Sparkle.Console.Tests.Fakes;

namespace Sparkle.Console.Tests.Admin;

public sealed class UsersPageTests : ConsoleTestContext
{
    private static object User(string number, string name, string role = "member") => new { number, displayName = name, role, email = $"{number}@example.test" };

    private void ServeUsers() =>
        Api.On("users", call => call.Var("after") is null
            ? FakeApi.Connection([User("1001", "Ada", "owner"), User("1004", "Dana")], hasNextPage: true, totalCount: 3)
            : FakeApi.Connection([User("1005", "Eve")], hasNextPage: false, totalCount: 3, offset: 2));

    [Fact]
    public void AMemberSeesNoUsersNoAddAndNoRoleControlsAndNothingIsAsked()
    {
        SignIn(Role.Member);
        ServeUsers();

        var page = Render<UsersPage>();

        Assert.Equal(T["admin.users.managersOnly"], page.Find("[role=alert]").TextContent);
        Assert.Empty(page.FindAll("button.primary"));
        Assert.Empty(page.FindAll("select.role-select"));
        Assert.Empty(Api.CallsTo("users"));
    }

    [Fact]
    public void AManagerSeesTheListWithRoleControlsAndPagesOn()
    {
        SignIn(Role.Manager, "1002");
        ServeUsers();

        var page = Render<UsersPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("select.role-select").Count));
        Assert.Equal("owner", page.Find("#role-1001").GetAttribute("value"));
        page.Find(".load-more-button").Click();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("select.role-select").Count));
        Assert.Equal("c2", Api.CallsTo("users")[1].Var("after"));
    }

    [Fact]
    public void SearchAndRoleFilterAreSent()
    {
        SignIn(Role.Owner);
        ServeUsers();
        var page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.Single(Api.CallsTo("users")));

        page.Find("#user-search").Change("dan");
        page.Find("#user-role-filter").Change("chair");
        page.Find("#user-order").Change("name_asc");
        page.Find("form.filters").Submit();

        page.WaitForAssertion(() => Assert.Equal(2, Api.CallsTo("users").Count));
        Assert.Equal("dan", Api.CallsTo("users")[1].Var("search"));
        Assert.Equal("chair", Api.CallsTo("users")[1].Var("role"));
        Assert.Equal("name_asc", Api.CallsTo("users")[1].Var("order"));
        Assert.Equal("number_asc", Api.CallsTo("users")[0].Var("order"));
    }

    [Fact]
    public void ChangingARoleSendsItAndAFailureShowsTheServersRoleAgain()
    {
        SignIn(Role.Manager, "1002");
        ServeUsers();
        Api.OnError("setUserRole", "BAD_USER_INPUT", "The tenant's last owner cannot be removed or demoted.");
        var page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("select.role-select").Count));

        page.Find("#role-1001").Change("member");

        page.WaitForAssertion(() => Assert.Contains("last owner", page.Find(".form-error").TextContent));
        var call = Api.CallsTo("setUserRole").Single();
        Assert.Equal("1001", call.Var("number"));
        Assert.Equal("member", call.Var("role"));
        Assert.Equal("owner", page.Find("#role-1001").GetAttribute("value"));
    }

    [Fact]
    public void AddingAUserWithAWeakPasswordShowsTheApisErrorNextToThePassword()
    {
        SignIn(Role.Owner);
        ServeUsers();
        Api.OnError("addUser", "PASSWORD_TOO_WEAK", "The password needs at least 8 characters.");
        var page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("select.role-select").Count));

        page.Find(".page-head button.primary").Click();
        page.Find("#new-number").Change("1011");
        page.Find("#new-name").Change("Kim");
        page.Find("#new-role").Change("Chair");
        page.Find("#new-password").Change("short");
        page.Find("#add-user").Submit();

        page.WaitForAssertion(() => Assert.Contains("at least 8 characters", page.Find("#new-password-error").TextContent));
        Assert.Contains("PASSWORD_TOO_WEAK", page.Find("#new-password-error").TextContent);
        Assert.Empty(page.FindAll("#new-number-error"));
        var input = Api.CallsTo("addUser").Single().Path("input")!.Value;
        Assert.Equal("1011", input.GetProperty("number").GetString());
        Assert.Equal("chair", input.GetProperty("role").GetString());
        Assert.Equal("short", input.GetProperty("password").GetString());
    }

    [Fact]
    public void AnExistingNumberIsShownNextToTheNumber()
    {
        SignIn(Role.Owner);
        ServeUsers();
        Api.OnError("addUser", "BAD_USER_INPUT", "User 1004 already exists.");
        var page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("select.role-select").Count));

        page.Find(".page-head button.primary").Click();
        page.Find("#new-number").Change("1004");
        page.Find("#new-name").Change("Dana again");
        page.Find("#new-password").Change("long enough");
        page.Find("#add-user").Submit();

        page.WaitForAssertion(() => Assert.Contains("already exists", page.Find("#new-number-error").TextContent));
    }

    [Fact]
    public void SettingAPasswordAndRemovingAUserCallTheApi()
    {
        SignIn(Role.Owner);
        ServeUsers();
        Api.On("setUserPassword", true);
        Api.On("removeUser", true);
        var page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("select.role-select").Count));

        page.FindAll("td.actions")[1].QuerySelector("button")!.Click();
        page.Find("#set-password").Change("new secret 1");
        page.Find("tr.inline-form form").Submit();
        page.WaitForAssertion(() => Assert.Single(Api.CallsTo("setUserPassword")));
        Assert.Equal("1004", Api.CallsTo("setUserPassword")[0].Var("number"));
        Assert.Equal("new secret 1", Api.CallsTo("setUserPassword")[0].Var("password"));

        page.FindAll("td.actions")[1].QuerySelector("button.danger")!.Click();
        Assert.Empty(Api.CallsTo("removeUser"));
        page.Find(".confirm-yes").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("select.role-select")));
        Assert.Equal("1004", Api.CallsTo("removeUser").Single().Var("number"));
    }
}
