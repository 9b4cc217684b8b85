using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Sparkle.Client;

/// <summary>Calls the Sparkle GraphQL API over HTTP with a bearer token. ExecuteAsync sends any document;
/// the typed helpers cover the common operations of integrators.</summary>
public sealed partial class SparkleClient : IDisposable
{
    private const string PlanFields = "id ownerNumber title participants { number displayName role contactExternalId } layout layoutMode copiedFrom";
    private const string UserFields = "number displayName role mobile landline email";
    private const string PageFields = "pageInfo { hasNextPage endCursor } totalCount";
    // A list page leaves participants out (the API's complexity limit prices 50 meetings x their participants
    // above it): Participants is empty on listed meetings; GetMeetingAsync has them.
    private const string ListedMeetingFields = "id conferenceNumber ownerNumber title status locked layout layoutMode version";
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

    /// <summary>One page of the caller's plans (oldest first).</summary>
    public async Task<Page<MeetingPlan>> ListMeetingPlansAsync(string? search = null, int first = 50, string? after = null, CancellationToken cancellationToken = default) =>
        ToPage<MeetingPlan>((await ExecuteAsync(
            $"query($s: String, $f: Int, $a: String) {{ meetingPlans(search: $s, first: $f, after: $a) {{ nodes {{ {PlanFields} }} {PageFields} }} }}",
            new { s = search, f = first, a = after },
            cancellationToken: cancellationToken)).Get<Connection<MeetingPlan>>("meetingPlans"));

    /// <summary>One page of the meetings the caller may see.</summary>
    public async Task<Page<Meeting>> ListMeetingsAsync(MeetingQuery? query = null, int first = 50, string? after = null, CancellationToken cancellationToken = default)
    {
        query ??= new MeetingQuery();
        var response = await ExecuteAsync(
            "query($t: String, $s: MeetingStatus, $from: DateTimeOffset, $to: DateTimeOffset, $o: MeetingOrder, $f: Int, $a: String) { "
            + $"meetings(titleContains: $t, status: $s, createdFrom: $from, createdTo: $to, orderBy: $o, first: $f, after: $a) {{ nodes {{ {ListedMeetingFields} }} {PageFields} }} }}",
            new { t = query.TitleContains, s = query.Status, from = query.CreatedFrom, to = query.CreatedTo, o = query.OrderBy, f = first, a = after },
            cancellationToken: cancellationToken);
        var page = ToPage(response.Get<Connection<Meeting>>("meetings"));
        return page with { Items = page.Items.Select(m => m with { Participants = m.Participants ?? [] }).ToList() };
    }

    /// <summary>One page of the tenant's users.</summary>
    public async Task<Page<User>> ListUsersAsync(UserQuery? query = null, int first = 50, string? after = null, CancellationToken cancellationToken = default)
    {
        query ??= new UserQuery();
        var response = await ExecuteAsync(
            $"query($q: String, $r: Role, $o: UserOrder, $f: Int, $a: String) {{ users(search: $q, role: $r, orderBy: $o, first: $f, after: $a) {{ nodes {{ {UserFields} }} {PageFields} }} }}",
            new { q = query.Search, r = query.Role, o = query.OrderBy, f = first, a = after },
            cancellationToken: cancellationToken);
        return ToPage(response.Get<Connection<User>>("users"));
    }

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

    private const string BrandingFields = "productName logoDataUrl primaryColor accentColor signInMessage";

    /// <summary>The signed-in user's new console password; SparkleApiException with Code INVALID_PASSWORD (wrong
    /// current password) or PASSWORD_TOO_WEAK.</summary>
    public async Task ChangePasswordAsync(string currentPassword, string newPassword, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(
            "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }",
            new { c = currentPassword, n = newPassword },
            cancellationToken: cancellationToken)).Get<bool>("changePassword");

    public async Task<TenantBranding> GetTenantBrandingAsync(CancellationToken cancellationToken = default) =>
        (await ExecuteAsync($"{{ tenant {{ branding {{ {BrandingFields} }} }} }}", cancellationToken: cancellationToken))
            .Get<TenantBrandingHolder>("tenant").Branding;

    /// <summary>Replaces the tenant's branding (owners); SparkleApiException with Code INVALID_COLOR or INVALID_LOGO.</summary>
    public async Task<TenantBranding> SetTenantBrandingAsync(TenantBranding branding, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(
            $"mutation($input: TenantBrandingInput!) {{ setTenantBranding(input: $input) {{ {BrandingFields} }} }}",
            new { input = branding },
            cancellationToken: cancellationToken)).Get<TenantBranding>("setTenantBranding");

    private sealed record TenantBrandingHolder(TenantBranding Branding);

    /// <summary>A link to a still (JPEG) of the running meeting's composite video, valid for 5 minutes; null when the
    /// meeting is not running, has no video or the caller may not see it. Each GET of the link is a fresh picture:
    /// an &lt;img&gt; refreshes by appending <c>?t=&lt;n&gt;</c>.</summary>
    public async Task<string?> GetMeetingPreviewUrlAsync(Guid meetingId, CancellationToken cancellationToken = default)
    {
        var response = await ExecuteAsync("query($id: ID!) { meeting(id: $id) { previewUrl } }", new { id = meetingId }, cancellationToken: cancellationToken);
        return response.Get<MeetingPreview?>("meeting")?.PreviewUrl;
    }

    private const string MediaWorkerFields = "id address version legs capacity meetings cpu draining lastHeartbeat";

    /// <summary>The live media workers (platform operator only; a tenant user gets a FORBIDDEN error).</summary>
    public async Task<IReadOnlyList<MediaWorker>> ListMediaWorkersAsync(CancellationToken cancellationToken = default) =>
        (await ExecuteAsync($"{{ mediaWorkers {{ {MediaWorkerFields} }} }}", cancellationToken: cancellationToken))
            .Get<List<MediaWorker>>("mediaWorkers");

    /// <summary>Stops new meetings going to the worker (platform operator only). SparkleApiException with Code
    /// LAST_WORKER when no other live worker would take meetings, NOT_FOUND for an unknown worker, FORBIDDEN for a tenant user.</summary>
    public async Task<MediaWorker> DrainMediaWorkerAsync(string workerId, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync($"mutation($id: ID!) {{ drainMediaWorker(id: $id) {{ {MediaWorkerFields} }} }}", new { id = workerId },
            cancellationToken: cancellationToken)).Get<MediaWorker>("drainMediaWorker");

    /// <summary>Puts a draining worker back in service (platform operator only).</summary>
    public async Task<MediaWorker> UndrainMediaWorkerAsync(string workerId, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync($"mutation($id: ID!) {{ undrainMediaWorker(id: $id) {{ {MediaWorkerFields} }} }}", new { id = workerId },
            cancellationToken: cancellationToken)).Get<MediaWorker>("undrainMediaWorker");

    /// <summary>The live SIP gateways (platform operator only; a tenant user gets a FORBIDDEN error).</summary>
    public async Task<IReadOnlyList<SipGateway>> ListSipGatewaysAsync(CancellationToken cancellationToken = default) =>
        (await ExecuteAsync("{ sipGateways { id address version calls lastHeartbeat } }", cancellationToken: cancellationToken))
            .Get<List<SipGateway>>("sipGateways");

    private sealed record MeetingPreview(string? PreviewUrl);

    private static Page<T> ToPage<T>(Connection<T> connection) =>
        new(connection.Nodes, connection.PageInfo.EndCursor, connection.PageInfo.HasNextPage, connection.TotalCount);

    private sealed record Connection<T>(List<T> Nodes, PageInfo PageInfo, int TotalCount);

    private sealed record PageInfo(bool HasNextPage, string? EndCursor);

    private static object ToInput(PlannedParticipant p) =>
        new { number = string.IsNullOrEmpty(p.Number) ? null : p.Number, displayName = p.DisplayName, role = p.Role, contactExternalId = p.ContactExternalId };
}
