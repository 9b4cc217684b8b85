using Sparkle.Client;
using Sparkle.Console.Localization;
using Sparkle.Console.Pages.Admin.Meetings;
using Sparkle.Console.Tests.Fakes;

namespace Sparkle.Console.Tests.Admin;

public sealed class MeetingListTests : ConsoleTestContext
{
    internal static object Meeting(int i, string status = "ended") => new
    {
        id = Guid.Parse($"00000000-0000-0000-0000-{i:D12}"),
        title = $"Meeting {i}",
        conferenceNumber = $"{80000 + i}",
        ownerNumber = "1001",
        status,
        createdAt = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero).AddHours(-i),
        participants = new[] { new { id = "p1", state = "disconnected" } },
    };

    private void ServeTwoPages()
    {
        var all = Enumerable.Range(1, 30).Select(i => Meeting(i)).ToList();
        Api.On("meetings", call => call.Var("after") switch
        {
            null => FakeApi.Connection(all.Take(25).ToList(), hasNextPage: true, totalCount: 30),
            "c25" => FakeApi.Connection(all.Skip(25).ToList(), hasNextPage: false, totalCount: 30, offset: 25),
            var other => throw new InvalidOperationException("unexpected cursor " + other),
        });
    }

    [Fact]
    public void TheFirstPageAsksForOnePageAndLoadMoreAsksForTheNextAfterTheEndCursor()
    {
        SignIn(Role.Member);
        ServeTwoPages();

        var page = Render<MeetingList>();
        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("tbody tr").Count));
        Assert.Contains(T.Format("admin.list.count", 25, 30), page.Markup);

        page.Find(".load-more-button").Click();

        page.WaitForAssertion(() => Assert.Equal(30, page.FindAll("tbody tr").Count));
        var calls = Api.CallsTo("meetings");
        Assert.Equal(2, calls.Count);
        Assert.Null(calls[0].Var("after"));
        Assert.Equal("25", calls[0].Var("first"));
        Assert.Null(calls[0].Var("title"));
        Assert.Null(calls[0].Var("status"));
        Assert.Null(calls[0].Var("from"));
        Assert.Null(calls[0].Var("to"));
        Assert.Equal("c25", calls[1].Var("after"));
        Assert.Empty(page.FindAll(".load-more-button"));
    }

    [Fact]
    public void SearchSendsTheTitleStateDateRangeAndOrderAndStartsFromTheFirstPage()
    {
        SignIn(Role.Member);
        ServeTwoPages();
        var page = Render<MeetingList>();
        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("tbody tr").Count));

        page.Find("#meeting-title").Change("board");
        page.Find("#meeting-status").Change("active");
        page.Find("#meeting-from").Change("2026-12-01");
        page.Find("#meeting-to").Change("2026-12-02");
        page.Find("#meeting-order").Change("title_asc");
        page.Find("form.filters").Submit();

        page.WaitForAssertion(() => Assert.Equal(2, Api.CallsTo("meetings").Count));
        var search = Api.CallsTo("meetings")[1];
        Assert.Equal("board", search.Var("title"));
        Assert.Equal("active", search.Var("status"));
        Assert.Equal("2026-12-01T00:00:00Z", search.Var("from"));
        Assert.Equal("2026-12-03T00:00:00Z", search.Var("to"));
        Assert.Equal("title_asc", search.Var("order"));
        Assert.Null(search.Var("after"));
        Assert.Contains("titleContains: $title", search.Query);
        Assert.Contains("$from: DateTimeOffset", search.Query);
        Assert.Contains("$order: MeetingOrder", search.Query);
    }

    [Fact]
    public void AnEndDateBeforeTheStartIsCaughtNextToTheFieldWithoutAskingTheApi()
    {
        SignIn(Role.Member);
        ServeTwoPages();
        var page = Render<MeetingList>();
        page.WaitForAssertion(() => Assert.Single(Api.CallsTo("meetings")));

        page.Find("#meeting-from").Change("2026-12-05");
        page.Find("#meeting-to").Change("2026-12-01");
        page.Find("form.filters").Submit();

        Assert.Equal(T["admin.meetings.toBeforeFrom"], page.Find("#meeting-to-error").TextContent);
        Assert.Equal("true", page.Find("#meeting-to").GetAttribute("aria-invalid"));
        Assert.Single(Api.CallsTo("meetings"));
    }

    [Fact]
    public void AMemberSeesNoDeleteButtonsButAManagerDoes()
    {
        SignIn(Role.Member);
        ServeTwoPages();
        var page = Render<MeetingList>();
        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("tbody tr").Count));

        Assert.Empty(page.FindAll("td.actions button.danger"));
        Assert.Equal(25, page.FindAll("td.actions a.button").Count); // the live view link stays
    }

    [Fact]
    public void DeleteAsksFirstAndCallsTheApiOnlyOnConfirmation()
    {
        SignIn(Role.Manager);
        Api.On("meetings", FakeApi.Connection([Meeting(1), Meeting(2)], hasNextPage: false));
        Api.On("deleteMeeting", true);
        var page = Render<MeetingList>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));

        page.FindAll("td.actions button.danger")[0].Click();

        Assert.Contains(T.Format("admin.meetings.confirmDelete", "Meeting 1"), page.Markup);
        Assert.Empty(Api.CallsTo("deleteMeeting"));

        page.Find(".confirm-no").Click();
        Assert.DoesNotContain(T.Format("admin.meetings.confirmDelete", "Meeting 1"), page.Markup);
        Assert.Empty(Api.CallsTo("deleteMeeting"));

        page.FindAll("td.actions button.danger")[0].Click();
        page.Find(".confirm-yes").Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")));
        Assert.Equal("00000000-0000-0000-0000-000000000001", Api.CallsTo("deleteMeeting").Single().Var("id"));
        Assert.DoesNotContain("Meeting 1<", page.Markup);
    }

    [Fact]
    public void ARefusedDeleteSaysWhyAndWhatToDoAndKeepsTheRow()
    {
        SignIn(Role.Manager);
        Api.On("meetings", FakeApi.Connection([Meeting(1)], hasNextPage: false));
        Api.OnError("deleteMeeting", "FORBIDDEN", "Only managers delete meetings.");
        var page = Render<MeetingList>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")));

        page.Find("td.actions button.danger").Click();
        page.Find(".confirm-yes").Click();

        page.WaitForAssertion(() => Assert.Contains(T.Format("admin.error.forbidden", "Only managers delete meetings."), page.Find(".form-error").TextContent));
        Assert.Single(page.FindAll("tbody tr"));
    }

    [Fact]
    public void TheListShowsProgressWhileTheApiIsSlow()
    {
        SignIn(Role.Member);
        ServeTwoPages();
        Api.Gate = new TaskCompletionSource();

        var page = Render<MeetingList>();

        page.WaitForAssertion(() => Assert.Equal(T["common.loading"], page.Find("[role=status]").TextContent));
        Assert.True(page.Find("form.filters button[type=submit]").HasAttribute("disabled"));
        Api.Gate.SetResult();
        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("tbody tr").Count));
        Assert.False(page.Find("form.filters button[type=submit]").HasAttribute("disabled"));
    }

    [Fact]
    public void ANetworkFailureSaysWhatToDoAndTryAgainLoads()
    {
        SignIn(Role.Member);
        ServeTwoPages();
        Api.Offline = true;

        var page = Render<MeetingList>();

        page.WaitForAssertion(() => Assert.Contains(T["common.error.network"], page.Find(".form-error").TextContent));
        Api.Offline = false;
        page.Find(".form-error button").Click();
        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("tbody tr").Count));
        Assert.Empty(page.FindAll(".form-error"));
    }

    [Fact]
    public void AnEmptyListSaysSo()
    {
        SignIn(Role.Member);
        Api.On("meetings", FakeApi.Connection(Array.Empty<object>(), hasNextPage: false));

        var page = Render<MeetingList>();

        page.WaitForAssertion(() => Assert.Equal(T["admin.meetings.empty"], page.Find(".empty").TextContent));
    }

    [Fact]
    public void SwitchingToChineseRerendersThePage()
    {
        SignIn(Role.Member);
        ServeTwoPages();
        var page = Render<MeetingList>();
        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("tbody tr").Count));
        Assert.Contains("Search by title", page.Markup);

        T.SetLanguage(Strings.SimplifiedChinese);

        page.WaitForAssertion(() => Assert.Contains("按标题搜索", page.Markup));
        Assert.DoesNotContain("Search by title", page.Markup);
        Assert.Contains("加载更多", page.Find(".load-more-button").TextContent);
    }
}
