using Sparkle.Client;
using Sparkle.Console.Pages;
using Sparkle.Console.Tests.Fakes;

namespace Sparkle.Console.Tests.Live;

/// <summary>The chair's room rendered against the fake API (the live feed cannot connect here and keeps
/// retrying in the background; these tests are about what the page shows and sends).</summary>
public sealed class LiveMeetingPageTests : ConsoleTestContext
{
    private static readonly Guid MeetingId = Guid.Parse("22222222-2222-2222-2222-222222222222");

    private static MeetingParticipant Person(string number, bool muted = false, Role role = Role.Participant) =>
        new($"p{number}", $"sip:{number}@demo.sparkle.test", null, number, role, "connected", muted, true, true);

    private static Meeting Meeting(params MeetingParticipant[] people) =>
        new(MeetingId, "80001", "1003", "Weekly", MeetingStatus.Active, false, "grid-2x2", LayoutMode.Fixed, 7, people, null, "none");

    private static readonly VideoLayout[] Layouts =
    [
        new("single", "Single", 1, [new LayoutTile(0, 0, 0, 1, 1, 0, true)]),
        new("grid-2x2", "2 x 2", 4,
        [
            new LayoutTile(0, 0, 0, .5, .5, 0, true), new LayoutTile(1, .5, 0, .5, .5, 0, false),
            new LayoutTile(2, 0, .5, .5, .5, 0, false), new LayoutTile(3, .5, .5, .5, .5, 0, false),
        ]),
        new("auto", "Automatic", 0, []),
    ];

    private IRenderedComponent<LiveMeeting> RenderAs(Role role, string number, Meeting meeting)
    {
        SignIn(role, number);
        Api.On("meeting", meeting).On("layouts", Layouts);
        var page = Render<LiveMeeting>(p => p.Add(x => x.MeetingId, MeetingId));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("li.person")));
        return page;
    }

    [Fact]
    public void ChairMutesAPersonAndTheRowShowsTheGrainsAnswer()
    {
        var page = RenderAs(Role.Chair, "1003", Meeting(Person("1004"), Person("1005")));
        Api.On("muteParticipant", Meeting(Person("1004", muted: true), Person("1005")) with { Version = 8 });

        // The live feed re-renders the page now and then: find and act in one retried step.
        page.WaitForAssertion(() => page.Find("li.person[data-number='1004'] button[data-action=mute]").Click());

        page.WaitForAssertion(() => Assert.Equal("true", page.Find("li.person[data-number='1004']").GetAttribute("data-muted")));
        var call = Assert.Single(Api.CallsTo("muteParticipant"));
        Assert.Equal("p1004", call.Var("p"));
        Assert.Equal(MeetingId.ToString(), call.Var("m"));
    }

    [Fact]
    public void AMemberSeesTheRoomWithoutAnyChairControl()
    {
        var page = RenderAs(Role.Member, "1006", Meeting(Person("1004"), Person("1006", role: Role.Member)));

        Assert.Empty(page.FindAll(".chair-controls"));
        // The only actions a member has are the Join panel's, for themselves.
        Assert.DoesNotContain(page.FindAll("button[data-action]"), b => b.Closest(".join-panel") is null);
        Assert.Equal(2, page.FindAll("li.person").Count);
    }

    [Fact]
    public void MembersAndChairsAlikeGetTheJoinPanelAboveTheParticipantsBesideTheChairsControls()
    {
        var page = RenderAs(Role.Chair, "1003", Meeting(Person("1004")));

        var panel = page.Find(".live-grid > .join-panel");
        Assert.Equal("idle", panel.GetAttribute("data-state"));
        Assert.Equal("participants", panel.NextElementSibling!.ClassList.Last());
        Assert.NotEmpty(page.FindAll("li.person[data-number='1004'] button[data-action=mute]"));
        Assert.NotEmpty(page.FindAll(".meeting-actions button[data-action=lock]"));
    }

    [Fact]
    public void AnEndedMeetingHasNoJoinPanel()
    {
        var page = RenderAs(Role.Member, "1006", Meeting(Person("1004")) with { Status = MeetingStatus.Ended });

        Assert.Empty(page.FindAll(".join-panel"));
    }

    [Fact]
    public void AMemberWhoChairsThisMeetingGetsTheControls()
    {
        var page = RenderAs(Role.Member, "1006", Meeting(Person("1004"), Person("1006", role: Role.Chair)));

        Assert.NotEmpty(page.FindAll("li.person[data-number='1004'] button[data-action=mute]"));
    }

    [Fact]
    public void ARefusalIsShownNextToThePersonsControlsInWordsThatSayWhatToDo()
    {
        var page = RenderAs(Role.Chair, "1003", Meeting(Person("1004")));
        Api.OnError("removeParticipant", "FORBIDDEN", "not allowed");

        // The live feed re-renders the page now and then: find and act in one retried step.
        page.WaitForAssertion(() => page.Find("li.person[data-number='1004'] button[data-action=remove]").Click());

        page.WaitForAssertion(() => Assert.Contains(T["live.error.forbidden"], page.Find("li.person[data-number='1004'] .field-error").TextContent));
    }

    [Fact]
    public void TheLayoutPickerDrawsEveryLayoutFromItsTilesAndMarksTheCurrentOne()
    {
        var page = RenderAs(Role.Chair, "1003", Meeting(Person("1004")));

        var choices = page.FindAll("button.layout-choice");
        Assert.Equal(3, choices.Count);
        Assert.Single(page.FindAll("button.layout-choice[data-layout=single] rect.tile"));
        Assert.Equal(4, page.FindAll("button.layout-choice[data-layout=grid-2x2] rect.tile").Count);
        Assert.Equal(9, page.FindAll("button.layout-choice[data-layout=auto] rect.tile.adaptive").Count);
        Assert.Equal("true", page.Find("button.layout-choice[data-layout=grid-2x2]").GetAttribute("aria-pressed"));
        // The slot board has one drop target per tile of the current layout.
        Assert.Equal(4, page.FindAll(".slot-board .slot").Count);
    }

    [Fact]
    public void ChangingTheLayoutSendsItsIdAndShowsProgressMeanwhile()
    {
        var page = RenderAs(Role.Chair, "1003", Meeting(Person("1004")));
        Api.On("setLayout", Meeting(Person("1004")) with { Layout = "single", Version = 8 });
        Api.Gate = new TaskCompletionSource();

        // The live feed re-renders the page now and then: find and act in one retried step.
        page.WaitForAssertion(() => page.Find("button.layout-choice[data-layout=single]").Click());

        page.WaitForAssertion(() => Assert.Contains(T["common.working"], page.Find("button.layout-choice[data-layout=single]").TextContent));
        Api.Gate.SetResult();
        Api.Gate = null;
        page.WaitForAssertion(() => Assert.Equal("true", page.Find("button.layout-choice[data-layout=single]").GetAttribute("aria-pressed")));
        Assert.Equal("single", Assert.Single(Api.CallsTo("setLayout")).Var("l"));
    }

    [Fact]
    public void PlacingInASlotByKeyboardSendsTheSlot()
    {
        var page = RenderAs(Role.Chair, "1003", Meeting(Person("1004")));
        Api.On("placeInSlot", Meeting(Person("1004") with { Slot = 2 }) with { Version = 8 });

        // The live feed re-renders the page now and then: find and act in one retried step.
        page.WaitForAssertion(() => page.Find("li.person[data-number='1004'] select[data-action=slot]").Change("2"));

        page.WaitForAssertion(() => Assert.Equal("2", Assert.Single(Api.CallsTo("placeInSlot")).Var("s")));
    }
}
