using Sparkle.Client;
using Sparkle.Console.Pages.Admin.Plans;
using Sparkle.Console.Tests.Fakes;

namespace Sparkle.Console.Tests.Admin;

public sealed class PlanTests : ConsoleTestContext
{
    private static readonly Guid PlanId = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001");
    private static readonly Guid MeetingId = Guid.Parse("bbbbbbbb-0000-0000-0000-000000000001");

    internal static object Plan(Guid id, string title, string owner = "1003", Guid? copiedFrom = null) => new
    {
        id,
        ownerNumber = owner,
        title,
        participants = new[] { new { number = "1004", displayName = (string?)"Dana", role = "participant" }, new { number = "1005", displayName = (string?)null, role = "chair" } },
        layout = "2x2",
        layoutMode = "automatic",
        recording = new { recordMeeting = true, separateAudioAndVideo = false, perUtteranceRecording = false, minutes = false },
        copiedFrom,
        updatedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void StartingAPlanNavigatesToTheLivePageOfTheStartedMeeting()
    {
        SignIn(Role.Chair, "1003");
        Api.On("meetingPlans", FakeApi.Connection([Plan(PlanId, "Weekly")], hasNextPage: false));
        Api.On("startMeeting", new { id = MeetingId, title = "Weekly", conferenceNumber = "80001", ownerNumber = "1003", status = "active", createdAt = DateTimeOffset.UnixEpoch });
        var page = Render<PlanList>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("li.plan")));

        page.Find("button.start").Click();

        page.WaitForAssertion(() => Assert.EndsWith($"/meetings/{MeetingId}", Navigation.Uri, StringComparison.Ordinal));
        Assert.Equal(PlanId.ToString(), Api.CallsTo("startMeeting").Single().Var("planId"));
    }

    [Fact]
    public void SharingSendsTheNumbersAndReportsTheCopiesAndCopiesAreMarked()
    {
        SignIn(Role.Manager, "1002");
        var copy = Guid.NewGuid();
        Api.On("meetingPlans", FakeApi.Connection([Plan(PlanId, "Weekly"), Plan(copy, "Old copy", "1007", copiedFrom: PlanId)], hasNextPage: false));
        Api.On("shareMeetingPlan", new[] { Plan(Guid.NewGuid(), "Weekly", "1004", PlanId), Plan(Guid.NewGuid(), "Weekly", "1005", PlanId) });
        var page = Render<PlanList>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("li.plan").Count));
        Assert.Single(page.FindAll(".badge.copy"));

        page.FindAll("li.plan")[0].QuerySelectorAll("button").Single(b => b.TextContent == T["admin.plans.share"]).Click();
        page.Find("#share-numbers").Change("1004, 1005");
        page.Find("form.share").Submit();

        page.WaitForAssertion(() => Assert.Contains(T.Format("admin.plans.shared", "Weekly", "1004, 1005"), page.Markup));
        var call = Api.CallsTo("shareMeetingPlan").Single();
        Assert.Equal("""["1004","1005"]""", call.Var("numbers"));
        Assert.Equal(3, page.FindAll(".badge.copy").Count);
    }

    [Fact]
    public void AMemberSeesEditAndDeleteOnlyOnTheirOwnPlans()
    {
        SignIn(Role.Member, "1004");
        Api.On("meetingPlans", FakeApi.Connection([Plan(PlanId, "Mine", "1004"), Plan(Guid.NewGuid(), "Theirs", "1003")], hasNextPage: false));
        var page = Render<PlanList>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("li.plan").Count));

        var mine = page.FindAll("li.plan")[0];
        var theirs = page.FindAll("li.plan")[1];
        Assert.NotNull(mine.QuerySelector("button.danger"));
        Assert.NotNull(mine.QuerySelector($"a[href='plans/{PlanId}']"));
        Assert.Null(theirs.QuerySelector("button.danger"));
        Assert.Null(theirs.QuerySelector("a[href^='plans/']"));
    }

    [Fact]
    public void SearchAndLoadMoreSendTheSearchAndTheCursor()
    {
        SignIn(Role.Member);
        Api.On("meetingPlans", call => call.Var("after") is null
            ? FakeApi.Connection([Plan(PlanId, "Weekly")], hasNextPage: true, totalCount: 2)
            : FakeApi.Connection([Plan(Guid.NewGuid(), "Weekly 2")], hasNextPage: false, totalCount: 2, offset: 1));
        var page = Render<PlanList>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("li.plan")));

        page.Find("#plan-search").Change("week");
        page.Find("form.filters").Submit();
        page.WaitForAssertion(() => Assert.Equal(2, Api.CallsTo("meetingPlans").Count));
        page.Find(".load-more-button").Click();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("li.plan").Count));
        var calls = Api.CallsTo("meetingPlans");
        Assert.Equal("week", calls[1].Var("search"));
        Assert.Equal("week", calls[2].Var("search"));
        Assert.Equal("c1", calls[2].Var("after"));
    }

    private void ServeEditor()
    {
        Api.On("layouts", new[] { new { id = "1x1", name = "Single", slots = 1 }, new { id = "2x2", name = "Four", slots = 4 } });
        Api.On("directory", new[] { new { externalId = "hr-7", displayName = "Erin Wu", sipNumber = "1007" } });
        Api.On("myContacts", FakeApi.Connection([new { externalId = "personal-1", displayName = "Erin (home)", mobile = "13900000000" }], hasNextPage: false));
    }

    [Fact]
    public void TheApisTypedErrorIsShownNextToTheFieldItNames()
    {
        SignIn(Role.Member);
        ServeEditor();
        Api.OnError("createMeetingPlan", "BAD_USER_INPUT", "PIN must be 4 to 12 digits.");
        var page = Render<PlanEditor>();
        page.WaitForAssertion(() => page.Find("#plan-title"));

        page.Find("#plan-title").Change("Board");
        page.Find("#plan-pin").Change("1234");
        page.Find("form.plan-editor").Submit();

        page.WaitForAssertion(() => Assert.Contains("PIN must be 4 to 12 digits.", page.Find("#plan-pin-error").TextContent));
        Assert.Contains("BAD_USER_INPUT", page.Find("#plan-pin-error").TextContent);
        Assert.Equal("true", page.Find("#plan-pin").GetAttribute("aria-invalid"));
        Assert.Empty(page.FindAll("#plan-title-error"));
    }

    [Fact]
    public void AnEmptyTitleIsCaughtInTheForm()
    {
        SignIn(Role.Member);
        ServeEditor();
        var page = Render<PlanEditor>();
        page.WaitForAssertion(() => page.Find("#plan-title"));

        page.Find("form.plan-editor").Submit();

        Assert.Equal(T["signIn.required"], page.Find("#plan-title-error").TextContent);
        Assert.Empty(Api.CallsTo("createMeetingPlan"));
    }

    [Fact]
    public void CreatingSendsParticipantsByNumberAndFromTheDirectoryWithRolesLayoutAndRecording()
    {
        SignIn(Role.Member);
        ServeEditor();
        Api.On("createMeetingPlan", Plan(PlanId, "Board"));
        var page = Render<PlanEditor>();
        page.WaitForAssertion(() => page.Find("#plan-title"));

        page.Find("#plan-title").Change("Board");
        page.Find("#add-number").Change("+8613800000000");
        page.FindAll(".add-number button")[0].Click();
        page.Find("#directory-search").Change("erin");
        page.FindAll(".pick-directory button")[0].Click();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll(".found button").Count));
        page.FindAll(".found button")[1].Click(); // the directory's Erin
        page.FindAll(".found button")[0].Click(); // Erin's home number from my contacts
        page.Find("#participant-role-1").Change("chair");
        page.Find("#plan-layout").Change("2x2");
        page.Find("#rec-meeting").Change(true);
        page.Find("form.plan-editor").Submit();

        page.WaitForAssertion(() => Assert.EndsWith("/plans", Navigation.Uri, StringComparison.Ordinal));
        var input = Api.CallsTo("createMeetingPlan").Single().Path("input")!.Value;
        Assert.Equal("Board", input.GetProperty("title").GetString());
        Assert.Equal("2x2", input.GetProperty("layout").GetString());
        Assert.True(input.GetProperty("recording").GetProperty("recordMeeting").GetBoolean());
        var participants = input.GetProperty("participants");
        Assert.Equal("+8613800000000", participants[0].GetProperty("number").GetString());
        Assert.Equal("participant", participants[0].GetProperty("role").GetString());
        Assert.Equal("hr-7", participants[1].GetProperty("contactExternalId").GetString());
        Assert.Equal("chair", participants[1].GetProperty("role").GetString());
        Assert.Equal("13900000000", participants[2].GetProperty("number").GetString());
        Assert.False(participants[2].TryGetProperty("contactExternalId", out _));
        Assert.Equal("erin", Api.CallsTo("directory").Single().Var("s"));
        Assert.Equal("erin", Api.CallsTo("myContacts").Single().Var("s"));
    }

    [Fact]
    public void EditingLoadsThePlanAndSendsAnUpdateWithItsId()
    {
        SignIn(Role.Chair, "1003");
        ServeEditor();
        Api.On("meetingPlan", Plan(PlanId, "Weekly"));
        Api.On("updateMeetingPlan", Plan(PlanId, "Weekly sync"));
        var page = Render<PlanEditor>(p => p.Add(x => x.PlanId, PlanId));
        page.WaitForAssertion(() => Assert.Equal("Weekly", page.Find("#plan-title").GetAttribute("value")));
        Assert.Equal(2, page.FindAll("li.participant-row").Count);

        page.Find("#plan-title").Change("Weekly sync");
        page.Find("form.plan-editor").Submit();

        page.WaitForAssertion(() => Assert.Single(Api.CallsTo("updateMeetingPlan")));
        var input = Api.CallsTo("updateMeetingPlan").Single().Path("input")!.Value;
        Assert.Equal(PlanId.ToString(), input.GetProperty("id").GetString());
        Assert.Equal("Weekly sync", input.GetProperty("title").GetString());
        Assert.Equal(2, input.GetProperty("participants").GetArrayLength());
    }
}
