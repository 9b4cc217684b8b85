using System.Text.Json;
using Sparkle.Client;

namespace Sparkle.GraphQL.Tests;

/// <summary>Tenant B's tokens (its owner's, the strongest) never read or change anything of tenant A,
/// whether they know A's ids or guess them.</summary>
[Collection(ApiCollection.Name)]
public sealed class TenantIsolationTests(ApiFixture api)
{
    [Fact]
    public async Task OtherTenantsOwnerCannotReadOrChangeAnything()
    {
        var a = api.Client(api.Demo.Demo.Owner);
        var b = api.Client(api.Demo.Demo2.Owner);
        var unique = Guid.NewGuid().ToString("N")[..8];
        var plan = await a.CreateMeetingPlanAsync("A's plan " + unique, [new PlannedParticipant("1005")]);
        var meeting = await a.CreateMeetingAsync("A's meeting " + unique, []);
        (await a.ExecuteAsync("mutation($id: ID!) { upsertContact(input: { externalId: $id, displayName: \"A Secret\", sipNumber: \"7777\" }) { externalId } }",
            new { id = "iso-" + unique })).EnsureSuccess();

        // Reads by id: nothing comes back.
        GraphQLAssert.Denied(await b.ExecuteAsync("query($id: ID!) { meetingPlan(id: $id) { title } }", new { id = plan.Id }), "meetingPlan", "NOT_FOUND", "FORBIDDEN");
        GraphQLAssert.Denied(await b.ExecuteAsync("query($id: ID!) { meeting(id: $id) { title } }", new { id = meeting.Id }), "meeting", "NOT_FOUND", "FORBIDDEN");
        GraphQLAssert.Denied(await b.ExecuteAsync("query($id: ID!) { contact(externalId: $id) { displayName } }", new { id = "iso-" + unique }), "contact", "NOT_FOUND", "FORBIDDEN");
        GraphQLAssert.Denied(await b.ExecuteAsync("query($id: ID) { tenant(id: $id) { name } }", new { id = api.Demo.Demo.Id }), "tenant", "NOT_FOUND", "FORBIDDEN");

        // Lists: none of A's things.
        var bPlans = (await b.ExecuteAsync("{ meetingPlans { nodes { id } } }")).Field("meetingPlans").GetProperty("nodes");
        Assert.DoesNotContain(bPlans.EnumerateArray(), p => p.GetProperty("id").GetGuid() == plan.Id);
        var bMeetings = (await b.ExecuteAsync("{ meetings { nodes { id } } }")).Field("meetings").GetProperty("nodes");
        Assert.DoesNotContain(bMeetings.EnumerateArray(), m => m.GetProperty("id").GetGuid() == meeting.Id);
        var bDirectory = (await b.ExecuteAsync("{ directory(search: \"A Secret\") { externalId } }")).Field("directory");
        Assert.Equal(0, bDirectory.GetArrayLength());
        var bUsers = (await b.ExecuteAsync("{ users { nodes { tenantId } } }")).Field("users").GetProperty("nodes");
        Assert.All(bUsers.EnumerateArray(), u => Assert.Equal(api.Demo.Demo2.Id, u.GetProperty("tenantId").GetGuid()));

        // Changes: all refused.
        string[] refused = ["NOT_FOUND", "FORBIDDEN"];
        Assert.Contains((await b.ExecuteAsync("mutation($id: ID!) { updateMeetingPlan(input: { id: $id, title: \"pwned\" }) { id } }", new { id = plan.Id })).ErrorCode, refused);
        Assert.Contains((await b.ExecuteAsync("mutation($id: ID!) { shareMeetingPlan(planId: $id, operatorNumbers: [\"1001\"]) { id } }", new { id = plan.Id })).ErrorCode, refused);
        Assert.Contains((await b.ExecuteAsync("mutation($id: ID!) { startMeeting(planId: $id) { id } }", new { id = plan.Id })).ErrorCode, refused);
        Assert.Contains((await b.ExecuteAsync("mutation($id: ID!) { createMeeting(input: { planId: $id }) { id } }", new { id = plan.Id })).ErrorCode, refused);
        Assert.Contains((await b.ExecuteAsync("mutation($id: ID!) { lockMeeting(meetingId: $id) { id } }", new { id = meeting.Id })).ErrorCode, refused);
        Assert.Contains((await b.ExecuteAsync("mutation($id: ID!) { startMeeting(meetingId: $id) { id } }", new { id = meeting.Id })).ErrorCode, refused);
        Assert.Contains((await b.ExecuteAsync("mutation($id: ID!) { endMeeting(id: $id) { id } }", new { id = meeting.Id })).ErrorCode, refused);
        Assert.Contains((await b.ExecuteAsync("mutation($id: ID!) { deleteMeeting(id: $id) }", new { id = meeting.Id })).ErrorCode, refused);
        Assert.Contains((await b.ExecuteAsync("mutation($id: ID!) { deleteMeetingPlan(id: $id) }", new { id = plan.Id })).ErrorCode, refused);
        Assert.Contains((await b.ExecuteAsync("mutation($t: ID) { updateTenantPolicies(tenantId: $t, policies: { srtpRequired: true }) { id } }",
            new { t = api.Demo.Demo.Id })).ErrorCode, refused);

        // A's things are untouched.
        var after = (await a.ExecuteAsync("query($p: ID!, $m: ID!) { meetingPlan(id: $p) { title } meeting(id: $m) { status locked } tenant { policies { srtpRequired } } }",
            new { p = plan.Id, m = meeting.Id })).EnsureSuccess().Data!.Value;
        Assert.Equal("A's plan " + unique, after.GetProperty("meetingPlan").GetProperty("title").GetString());
        Assert.False(after.GetProperty("meeting").GetProperty("locked").GetBoolean());
        Assert.Equal("scheduled", after.GetProperty("meeting").GetProperty("status").GetString());
        Assert.False(after.GetProperty("tenant").GetProperty("policies").GetProperty("srtpRequired").GetBoolean());
    }

    [Fact]
    public async Task GuessedIdsFindNothing()
    {
        var b = api.Client(api.Demo.Demo2.Owner);
        for (var i = 0; i < 5; i++)
        {
            var guess = Guid.NewGuid();
            GraphQLAssert.Denied(await b.ExecuteAsync("query($id: ID!) { meetingPlan(id: $id) { title } }", new { id = guess }), "meetingPlan", "NOT_FOUND", "FORBIDDEN");
            GraphQLAssert.Denied(await b.ExecuteAsync("query($id: ID!) { meeting(id: $id) { title } }", new { id = guess }), "meeting", "NOT_FOUND", "FORBIDDEN");
            Assert.Contains((await b.ExecuteAsync("mutation($id: ID!) { lockMeeting(meetingId: $id) { id } }", new { id = guess })).ErrorCode, new[] { "NOT_FOUND", "FORBIDDEN" });
        }
    }

    [Fact]
    public async Task OtherTenantCannotSubscribeToAMeetingsEvents()
    {
        var meeting = await api.Client(api.Demo.Demo.Owner).CreateMeetingAsync("Private", []);
        await using var ws = await SparkleSubscriptionClient.ConnectAsync(api.Endpoint, api.Demo.Demo2.Owner.Token);

        var stream = await ws.SubscribeAsync("subscription($id: ID!) { meetingEvents(meetingId: $id) { kind } }", new { id = meeting.Id });
        var responses = new List<GraphQLResponse>();
        await foreach (var response in stream.WithCancellation(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token))
        {
            responses.Add(response);
        }

        var only = Assert.Single(responses);
        Assert.Contains(only.ErrorCode, new[] { "NOT_FOUND", "FORBIDDEN" });
        Assert.True(only.Data is null || only.Data.Value.ValueKind == JsonValueKind.Null || only.Data.Value.GetProperty("meetingEvents").ValueKind == JsonValueKind.Null);
    }
}
