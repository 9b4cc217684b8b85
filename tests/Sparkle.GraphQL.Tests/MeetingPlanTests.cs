using Sparkle.Client;

namespace Sparkle.GraphQL.Tests;

[Collection(ApiCollection.Name)]
public sealed class MeetingPlanTests(ApiFixture api)
{
    [Fact]
    public async Task SharedCopiesAreIndependentOfTheOriginal()
    {
        var chair = api.Client(api.Demo.Demo.Chair);
        var original = await chair.CreateMeetingPlanAsync("Weekly sync", [new PlannedParticipant("1005", "Eve", Role.Chair), new PlannedParticipant("+4930123456")]);

        var copies = await chair.ShareMeetingPlanAsync(original.Id, ["1004", "1006"]);

        Assert.Equal(["1004", "1006"], copies.Select(c => c.OwnerNumber).Order().ToArray());
        Assert.All(copies, c =>
        {
            Assert.NotEqual(original.Id, c.Id);
            Assert.Equal(original.Id, c.CopiedFrom);
            Assert.Equal(original.Title, c.Title);
            Assert.Equal(original.Participants, c.Participants);
        });

        // The member sees their copy as their own plan.
        var member = api.Client(api.Demo.Demo.Member);
        var memberCopy = Assert.Single((await member.ListMeetingPlansAsync()).Items, p => p.CopiedFrom == original.Id);

        // Changing the original leaves the copies alone, and the other way round.
        (await chair.ExecuteAsync("mutation($id: ID!) { updateMeetingPlan(input: { id: $id, title: \"Renamed\", participants: [{ number: \"1007\" }] }) { id } }",
            new { id = original.Id })).EnsureSuccess();
        (await member.ExecuteAsync("mutation($id: ID!) { updateMeetingPlan(input: { id: $id, layout: \"grid-2x2\" }) { id } }", new { id = memberCopy.Id })).EnsureSuccess();

        var copyAfter = (await member.ExecuteAsync("query($id: ID!) { meetingPlan(id: $id) { title layout participants { number } } }", new { id = memberCopy.Id }))
            .Field("meetingPlan");
        Assert.Equal("Weekly sync", copyAfter.GetProperty("title").GetString());
        Assert.Equal("grid-2x2", copyAfter.GetProperty("layout").GetString());
        Assert.Equal(2, copyAfter.GetProperty("participants").GetArrayLength());
        var originalAfter = (await chair.ExecuteAsync("query($id: ID!) { meetingPlan(id: $id) { title layout } }", new { id = original.Id })).Field("meetingPlan");
        Assert.Equal("Renamed", originalAfter.GetProperty("title").GetString());
        Assert.Equal("auto", originalAfter.GetProperty("layout").GetString());

        // Deleting the original keeps the copies.
        (await chair.ExecuteAsync("mutation($id: ID!) { deleteMeetingPlan(id: $id) }", new { id = original.Id })).EnsureSuccess();
        Assert.NotNull((await member.ExecuteAsync("query($id: ID!) { meetingPlan(id: $id) { id } }", new { id = memberCopy.Id })).Field("meetingPlan").GetProperty("id").GetString());
    }

    [Fact]
    public async Task PlanParticipantsCanBeNamedByDirectoryContact()
    {
        var owner = api.Client(api.Demo.Demo.Owner);
        var id = "plan-contact-" + Guid.NewGuid().ToString("N")[..8];
        (await owner.ExecuteAsync("mutation($id: ID!) { upsertContact(input: { externalId: $id, displayName: \"Dana Director\", mobile: \"+8613800000000\" }) { externalId } }",
            new { id })).EnsureSuccess();

        var plan = await owner.CreateMeetingPlanAsync("Board", [new PlannedParticipant("", ContactExternalId: id)]);

        var participant = Assert.Single(plan.Participants);
        Assert.Equal("+8613800000000", participant.Number);
        Assert.Equal("Dana Director", participant.DisplayName);
        Assert.Equal(id, participant.ContactExternalId);
    }

    [Fact]
    public async Task InvalidPlanInputIsBadUserInput()
    {
        var owner = api.Client(api.Demo.Demo.Owner);

        var noNumber = await owner.ExecuteAsync("mutation { createMeetingPlan(input: { title: \"X\", participants: [{ displayName: \"Nobody\" }] }) { id } }");
        var badLayout = await owner.ExecuteAsync("mutation { createMeetingPlan(input: { title: \"X\", layout: \"nope\" }) { id } }");

        Assert.Equal("BAD_USER_INPUT", noNumber.ErrorCode);
        Assert.Equal("BAD_USER_INPUT", badLayout.ErrorCode);
    }
}
