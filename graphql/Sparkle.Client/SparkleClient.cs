using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Sparkle.Client;

/// <summary>Calls the Sparkle GraphQL API over HTTP with a bearer token. ExecuteAsync sends any document;
/// the typed helpers cover the common operations of integrators.</summary>
public sealed partial class SparkleClient : IDisposable
{
    private const string PlanFields = "id ownerNumber title participants { number displayName role contactExternalId } layout layoutMode copiedFrom";
    private const string MeetingFields = "id conferenceNumber ownerNumber title status locked layout layoutMode version participants { id uri displayName userNumber role state muted speakingAllowed videoOn }";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <param name="endpoint">The /graphql URL, e.g. http://127.0.0.1:8080/graphql.</param>
    /// <param name="token">The bearer token (a user's, a sync job's or the operator's), or null.</param>
    public SparkleClient(Uri endpoint, string? token, HttpClient? http = null)
    {
        Endpoint = endpoint;
        Token = token;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient();
    }

    public Uri Endpoint { get; }

    public string? Token { get; }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <summary>A client for the same endpoint with another token.</summary>
    public SparkleClient WithToken(string? token) => new(Endpoint, token, _ownsHttp ? null : _http);

    public async Task<GraphQLResponse> ExecuteAsync(string query, object? variables = null, string? operationName = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint)
        {
            Content = JsonContent.Create(new { query, variables, operationName }, options: SparkleJson.Options),
        };
        if (Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }
        using var response = await _http.SendAsync(request, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        return GraphQLResponse.Parse(response.StatusCode, document.RootElement);
    }

    public async Task<Me> GetMeAsync(CancellationToken cancellationToken = default) =>
        (await ExecuteAsync("{ me { tenantId userNumber role kind } }", cancellationToken: cancellationToken)).Get<Me>("me");

    public async Task<IReadOnlyList<MeetingPlan>> ListMeetingPlansAsync(CancellationToken cancellationToken = default) =>
        (await ExecuteAsync($"{{ meetingPlans {{ {PlanFields} }} }}", cancellationToken: cancellationToken)).Get<List<MeetingPlan>>("meetingPlans");

    public async Task<MeetingPlan> CreateMeetingPlanAsync(string title, IEnumerable<PlannedParticipant> participants, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(
            $"mutation($input: CreateMeetingPlanInput!) {{ createMeetingPlan(input: $input) {{ {PlanFields} }} }}",
            new { input = new { title, participants = participants.Select(ToInput).ToList() } },
            cancellationToken: cancellationToken)).Get<MeetingPlan>("createMeetingPlan");

    public async Task<IReadOnlyList<MeetingPlan>> ShareMeetingPlanAsync(Guid planId, IEnumerable<string> operatorNumbers, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(
            $"mutation($planId: ID!, $numbers: [String!]!) {{ shareMeetingPlan(planId: $planId, operatorNumbers: $numbers) {{ {PlanFields} }} }}",
            new { planId, numbers = operatorNumbers.ToList() },
            cancellationToken: cancellationToken)).Get<List<MeetingPlan>>("shareMeetingPlan");

    public async Task<Meeting> StartMeetingAsync(Guid planId, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(
            $"mutation($planId: ID!) {{ startMeeting(planId: $planId) {{ {MeetingFields} }} }}",
            new { planId },
            cancellationToken: cancellationToken)).Get<Meeting>("startMeeting");

    public async Task<Meeting> CreateMeetingAsync(string title, IEnumerable<PlannedParticipant> participants, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(
            $"mutation($input: CreateMeetingInput!) {{ createMeeting(input: $input) {{ {MeetingFields} }} }}",
            new { input = new { title, participants = participants.Select(ToInput).ToList() } },
            cancellationToken: cancellationToken)).Get<Meeting>("createMeeting");

    public async Task<Meeting?> GetMeetingAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync($"query($id: ID!) {{ meeting(id: $id) {{ {MeetingFields} }} }}", new { id }, cancellationToken: cancellationToken))
            .Get<Meeting?>("meeting");

    public async Task<Meeting> SetMutedAsync(Guid meetingId, string participantId, bool muted, CancellationToken cancellationToken = default)
    {
        var field = muted ? "muteParticipant" : "unmuteParticipant";
        return (await ExecuteAsync(
            $"mutation($m: ID!, $p: ID!) {{ {field}(meetingId: $m, participantId: $p) {{ {MeetingFields} }} }}",
            new { m = meetingId, p = participantId },
            cancellationToken: cancellationToken)).Get<Meeting>(field);
    }

    public async Task<Meeting> SetLockedAsync(Guid meetingId, bool locked, CancellationToken cancellationToken = default)
    {
        var field = locked ? "lockMeeting" : "unlockMeeting";
        return (await ExecuteAsync(
            $"mutation($m: ID!) {{ {field}(meetingId: $m) {{ {MeetingFields} }} }}",
            new { m = meetingId },
            cancellationToken: cancellationToken)).Get<Meeting>(field);
    }

    /// <summary>HR/OA directory sync (a token with the directory.sync scope, or a manager's).</summary>
    public async Task<DirectorySyncReport> SyncDirectoryAsync(DirectorySyncBatch batch, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(
            "mutation($input: DirectorySyncInput!) { syncDirectory(input: $input) { created updated deleted unchanged rejected { externalId reason } } }",
            new { input = batch },
            cancellationToken: cancellationToken)).Get<DirectorySyncReport>("syncDirectory");

    public async Task<IReadOnlyList<Contact>> SearchDirectoryAsync(string? search, int limit = 50, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(
            "query($s: String, $l: Int) { directory(search: $s, limit: $l) { externalId displayName departmentExternalId sipNumber mobile landline email title } }",
            new { s = search, l = limit },
            cancellationToken: cancellationToken)).Get<List<Contact>>("directory");

    private static object ToInput(PlannedParticipant p) =>
        new { number = string.IsNullOrEmpty(p.Number) ? null : p.Number, displayName = p.DisplayName, role = p.Role, contactExternalId = p.ContactExternalId };
}
