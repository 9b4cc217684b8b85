using Sparkle.Client;
using Sparkle.Grains.Identity;
using Role = Sparkle.Grains.Identity.Role;

namespace Sparkle.GraphQL.Tests;

/// <summary>Every tenant role and every non-user credential against every guarded operation the API
/// exposes, through HTTP. The expectation is the platform's one matrix (Permissions); the grains enforce
/// it and the API must carry their verdict out as FORBIDDEN (or NOT_FOUND where the thing is invisible).</summary>
[Collection(ApiCollection.Name)]
public sealed class PermissionMatrixTests(ApiFixture api)
{
    public static readonly Operation[] Covered =
    [
        Operation.ViewTenant, Operation.ManageTenantPolicies, Operation.ViewUsers, Operation.ManageUsers, Operation.ChangeRoles,
        Operation.ViewDirectory, Operation.ManageDirectory, Operation.SyncDirectory, Operation.ManageOwnContacts,
        Operation.CreatePlan, Operation.EditAnyPlan, Operation.ViewAnyPlan, Operation.SharePlan,
        Operation.CreateMeeting, Operation.StartMeeting, Operation.ViewMeeting, Operation.EndMeeting, Operation.DeleteMeeting,
        Operation.LockMeeting, Operation.SetLayout, Operation.ManageTenants,
        Operation.SetUserPassword, Operation.ManageBranding, Operation.ViewUsage,
    ];

    public static TheoryData<Role, Operation> RoleCases()
    {
        var data = new TheoryData<Role, Operation>();
        foreach (var role in Enum.GetValues<Role>())
        {
            foreach (var operation in Covered)
            {
                data.Add(role, operation);
            }
        }
        return data;
    }

    public static TheoryData<CallerKind, Operation> CredentialCases()
    {
        var data = new TheoryData<CallerKind, Operation>();
        foreach (var kind in new[] { CallerKind.DirectorySync, CallerKind.PlatformOperator })
        {
            foreach (var operation in Covered)
            {
                data.Add(kind, operation);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RoleCases))]
    public async Task RoleMayDoExactlyWhatTheMatrixSays(Role role, Operation operation)
    {
        var token = role switch
        {
            Role.Owner => api.Demo.Demo.Owner.Token,
            Role.Manager => api.Demo.Demo.Manager.Token,
            Role.Chair => api.Demo.Demo.Chair.Token,
            Role.Member => api.Demo.Demo.Member.Token,
            _ => api.ParticipantToken,
        };
        await CheckAsync(token, operation, Permissions.Allows(role, operation));
    }

    [Theory]
    [MemberData(nameof(CredentialCases))]
    public async Task SyncJobsAndTheOperatorMayDoOnlyTheirPart(CallerKind kind, Operation operation)
    {
        var token = kind == CallerKind.DirectorySync ? api.Demo.Demo.SyncToken : api.Demo.OperatorToken;
        await CheckAsync(token, operation, Permissions.Allows(kind, operation));
    }

    private async Task CheckAsync(string token, Operation operation, bool allowed)
    {
        var owner = api.Client(api.Demo.Demo.Owner);
        var caller = api.Client(token);
        var unique = Guid.NewGuid().ToString("N")[..8];
        string field;
        GraphQLResponse response;
        switch (operation)
        {
            case Operation.ViewTenant:
                (field, response) = ("tenant", await caller.ExecuteAsync("query($id: ID) { tenant(id: $id) { id name } }", new { id = api.Demo.Demo.Id }));
                break;
            case Operation.ManageTenantPolicies:
                (field, response) = ("updateTenantPolicies", await caller.ExecuteAsync(
                    "mutation($t: ID) { updateTenantPolicies(tenantId: $t, policies: { dialOutMinimumRole: chair }) { id } }", new { t = api.Demo.Demo.Id }));
                break;
            case Operation.ViewUsers:
                (field, response) = ("users", await caller.ExecuteAsync("{ users { nodes { number role } } }"));
                break;
            case Operation.ManageUsers:
                var number = "5" + Random.Shared.Next(100000, 999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
                (field, response) = ("addUser", await caller.ExecuteAsync(
                    "mutation($n: String!) { addUser(input: { number: $n, displayName: \"Temp\" }) { number } }", new { n = number }));
                break;
            case Operation.ChangeRoles:
                (field, response) = ("setUserRole", await caller.ExecuteAsync("mutation { setUserRole(number: \"1009\", role: member) { role } }"));
                break;
            case Operation.SetUserPassword:
                (field, response) = ("setUserPassword", await caller.ExecuteAsync("mutation { setUserPassword(number: \"1099\", password: \"matrix password\") }"));
                break;
            case Operation.ManageBranding:
                (field, response) = ("setTenantBranding", await caller.ExecuteAsync(
                    "mutation($t: ID) { setTenantBranding(tenantId: $t, input: { productName: \"Sparkle.Cloud\", primaryColor: \"#3b5bdb\", accentColor: \"#f59f00\" }) { productName } }",
                    new { t = api.Demo.Demo.Id }));
                break;
            case Operation.ViewDirectory:
                (field, response) = ("directory", await caller.ExecuteAsync("{ directory(search: \"a\") { externalId } }"));
                break;
            case Operation.ManageDirectory:
                (field, response) = ("upsertContact", await caller.ExecuteAsync(
                    "mutation($id: ID!) { upsertContact(input: { externalId: $id, displayName: \"Matrix\", sipNumber: \"7001\" }) { externalId } }", new { id = "mx-" + unique }));
                break;
            case Operation.SyncDirectory:
                (field, response) = ("syncDirectory", await caller.ExecuteAsync("mutation { syncDirectory(input: { mode: delta }) { created } }"));
                break;
            case Operation.ManageOwnContacts:
                (field, response) = ("upsertMyContact", await caller.ExecuteAsync(
                    "mutation($id: ID!) { upsertMyContact(input: { externalId: $id, displayName: \"Mine\", mobile: \"+4915112345678\" }) { externalId } }", new { id = "my-" + unique }));
                break;
            case Operation.CreatePlan:
                (field, response) = ("createMeetingPlan", await caller.ExecuteAsync(
                    "mutation { createMeetingPlan(input: { title: \"Matrix\", participants: [{ number: \"1005\" }] }) { id } }"));
                break;
            case Operation.EditAnyPlan:
                var othersPlan = await owner.CreateMeetingPlanAsync("Owner's " + unique, [new PlannedParticipant("1005")]);
                (field, response) = ("updateMeetingPlan", await caller.ExecuteAsync(
                    "mutation($id: ID!) { updateMeetingPlan(input: { id: $id, title: \"Edited\" }) { id } }", new { id = othersPlan.Id }));
                break;
            case Operation.ViewAnyPlan:
                var hidden = await owner.CreateMeetingPlanAsync("Owner's " + unique, [new PlannedParticipant("1005")]);
                (field, response) = ("meetingPlan", await caller.ExecuteAsync("query($id: ID!) { meetingPlan(id: $id) { id title } }", new { id = hidden.Id }));
                break;
            case Operation.SharePlan:
                var mine = await OwnPlanAsync(caller, owner, unique);
                (field, response) = ("shareMeetingPlan", await caller.ExecuteAsync(
                    "mutation($id: ID!) { shareMeetingPlan(planId: $id, operatorNumbers: [\"1005\"]) { id } }", new { id = mine }));
                break;
            case Operation.CreateMeeting:
                (field, response) = ("createMeeting", await caller.ExecuteAsync("mutation { createMeeting(input: { title: \"Matrix\" }) { id } }"));
                break;
            case Operation.StartMeeting:
                var plan = await OwnPlanAsync(caller, owner, unique, withParticipants: false);
                (field, response) = ("startMeeting", await caller.ExecuteAsync("mutation($id: ID!) { startMeeting(planId: $id) { id status } }", new { id = plan }));
                break;
            case Operation.ViewMeeting:
                var seen = await owner.CreateMeetingAsync("Seen " + unique, []);
                (field, response) = ("meeting", await caller.ExecuteAsync("query($id: ID!) { meeting(id: $id) { id title } }", new { id = seen.Id }));
                break;
            case Operation.EndMeeting:
                var ending = await StartedMeetingAsync(owner, unique);
                (field, response) = ("endMeeting", await caller.ExecuteAsync("mutation($id: ID!) { endMeeting(id: $id) { status } }", new { id = ending }));
                break;
            case Operation.DeleteMeeting:
                var doomed = await owner.CreateMeetingAsync("Doomed " + unique, []);
                (field, response) = ("deleteMeeting", await caller.ExecuteAsync("mutation($id: ID!) { deleteMeeting(id: $id) }", new { id = doomed.Id }));
                break;
            case Operation.LockMeeting:
                var locking = await StartedMeetingAsync(owner, unique);
                (field, response) = ("lockMeeting", await caller.ExecuteAsync("mutation($id: ID!) { lockMeeting(meetingId: $id) { locked } }", new { id = locking }));
                break;
            case Operation.SetLayout:
                var laying = await StartedMeetingAsync(owner, unique);
                (field, response) = ("setLayout", await caller.ExecuteAsync("mutation($id: ID!) { setLayout(meetingId: $id, layoutId: \"grid-2x2\") { layout } }", new { id = laying }));
                break;
            case Operation.ManageTenants:
                (field, response) = ("createTenant", await caller.ExecuteAsync(
                    "mutation($n: String!, $d: String!) { createTenant(input: { name: $n, sipDomains: [$d] }) { id } }",
                    new { n = "t-" + unique, d = unique + ".sparkle.test" }));
                break;
            case Operation.ViewUsage:
                (field, response) = ("tenantUsage", await caller.ExecuteAsync(
                    "query($t: ID) { tenantUsage(tenantId: $t, from: \"2031-01-01\", to: \"2031-01-02\") { day } }", new { t = api.Demo.Demo.Id }));
                break;
            default:
                throw new InvalidOperationException($"No API call for {operation}.");
        }

        if (allowed)
        {
            Assert.False(response.HasErrors, $"{operation} should be allowed but failed: {string.Join("; ", response.Errors.Select(e => $"{e.Code}: {e.Message}"))}");
            Assert.NotEqual(System.Text.Json.JsonValueKind.Null, response.Data!.Value.GetProperty(field).ValueKind);
        }
        else
        {
            GraphQLAssert.Denied(response, field, "FORBIDDEN", "NOT_FOUND");
        }
    }

    /// <summary>A plan the caller owns when it may create plans; else the owner's (so the call is refused either way).</summary>
    private static async Task<Guid> OwnPlanAsync(SparkleClient caller, SparkleClient owner, string unique, bool withParticipants = true)
    {
        PlannedParticipant[] participants = withParticipants ? [new PlannedParticipant("1005")] : [];
        var own = await caller.ExecuteAsync(
            "mutation($input: CreateMeetingPlanInput!) { createMeetingPlan(input: $input) { id } }",
            new { input = new { title = "Own " + unique, participants = participants.Select(p => new { number = p.Number }) } });
        if (!own.HasErrors)
        {
            return own.Field("createMeetingPlan").GetProperty("id").GetGuid();
        }
        return (await owner.CreateMeetingPlanAsync("Owner's " + unique, participants)).Id;
    }

    private static async Task<Guid> StartedMeetingAsync(SparkleClient owner, string unique)
    {
        var meeting = await owner.CreateMeetingAsync("Live " + unique, []);
        (await owner.ExecuteAsync("mutation($id: ID!) { startMeeting(meetingId: $id) { id } }", new { id = meeting.Id })).EnsureSuccess();
        return meeting.Id;
    }
}
