using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Sparkle.Client;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Recordings;
using Sparkle.GraphQL.Recordings;
using Role = Sparkle.Grains.Identity.Role;

namespace Sparkle.GraphQL.Tests;

/// <summary>Recordings through the API: the fields, the rights of every role (the grains' verdict carried
/// out as FORBIDDEN, another tenant's as NOT_FOUND), recording control errors, and the playback links (forged,
/// altered, expired, another user's: 403). The test cluster has no media worker and no blob store: recordings
/// are reported to the catalog grain here as a worker would; a valid link therefore ends at "storage is not
/// configured" (503) once every check has passed.</summary>
[Collection(ApiCollection.Name)]
public sealed class RecordingTests(ApiFixture api)
{
    private const string PlaybackMutation = "mutation($id: ID!) { recordingPlayback(recordingId: $id) { url expiresAt parts { index url offsetMs durationMs } } }";
    private const string DownloadMutation = "mutation($id: ID!) { downloadRecording(recordingId: $id) { url expiresAt } }";
    private const string DeleteMutation = "mutation($id: ID!) { deleteRecording(recordingId: $id) }";
    private const string AuditQuery = "query($id: ID!) { recordingAudit(meetingId: $id) { at who action itemId } }";

    /// <summary>A meeting made by the platform (nobody owns, chairs or listens: a user's rights are their tenant
    /// role's) with one recording of two stored parts.</summary>
    private async Task<(Guid MeetingId, Guid RecordingId, string ApiId)> RecordedMeetingAsync(Guid? tenant = null)
    {
        var tenantId = tenant ?? api.Demo.Demo.Id;
        var meetingId = Guid.NewGuid();
        await api.Cluster.Grains.GetGrain<IMeetingGrain>(meetingId).CreateAsync(Caller.System(tenantId), new MeetingSpec("Recorded", []));
        var catalog = api.Cluster.Grains.GetGrain<IRecordingCatalogGrain>(meetingId);
        var recordingId = Guid.NewGuid();
        await catalog.RecordingStartedAsync(tenantId, [new RecordingStart(recordingId, RecordingKind.Mixed)], DateTimeOffset.UtcNow);
        foreach (var index in new[] { 0, 1 })
        {
            await catalog.AddPartAsync(new RecordingPartInfo(recordingId, RecordingKind.Mixed, index, $"blob-{Guid.NewGuid():N}",
                new WrappedKey("k1", new byte[40]), 1_100, 1_000, "video/mp4", TimeSpan.FromMinutes(10 * index), TimeSpan.FromMinutes(10), index == 1, DateTimeOffset.UtcNow));
        }

        return (meetingId, recordingId, RecordingIds.Format(meetingId, recordingId));
    }

    private string TokenOf(Role role) => role switch
    {
        Role.Owner => api.Demo.Demo.Owner.Token,
        Role.Manager => api.Demo.Demo.Manager.Token,
        Role.Chair => api.Demo.Demo.Chair.Token,
        Role.Member => api.Demo.Demo.Member.Token,
        _ => api.ParticipantToken,
    };

    public static TheoryData<Role, Operation> RoleCases()
    {
        var data = new TheoryData<Role, Operation>();
        foreach (var role in Enum.GetValues<Role>())
        {
            foreach (var operation in new[] { Operation.PlayRecording, Operation.ExportRecording, Operation.DeleteRecording, Operation.ViewRecordingAudit })
            {
                data.Add(role, operation);
            }
        }

        return data;
    }

    private static async Task<(string Field, GraphQLResponse Response)> CallAsync(SparkleClient client, Operation operation, Guid meetingId, string apiId) => operation switch
    {
        Operation.PlayRecording => ("recordingPlayback", await client.ExecuteAsync(PlaybackMutation, new { id = apiId })),
        Operation.ExportRecording => ("downloadRecording", await client.ExecuteAsync(DownloadMutation, new { id = apiId })),
        Operation.DeleteRecording => ("deleteRecording", await client.ExecuteAsync(DeleteMutation, new { id = apiId })),
        Operation.ViewRecordingAudit => ("recordingAudit", await client.ExecuteAsync(AuditQuery, new { id = meetingId })),
        _ => throw new InvalidOperationException(operation.ToString()),
    };

    [Theory]
    [MemberData(nameof(RoleCases))]
    public async Task RoleMayDoExactlyWhatTheMatrixSays(Role role, Operation operation)
    {
        var (meetingId, _, apiId) = await RecordedMeetingAsync();

        var (field, response) = await CallAsync(api.Client(TokenOf(role)), operation, meetingId, apiId);

        if (Permissions.Allows(role, operation))
        {
            Assert.False(response.HasErrors, $"{role} {operation}: {string.Join("; ", response.Errors.Select(e => $"{e.Code}: {e.Message}"))}");
            Assert.NotEqual(System.Text.Json.JsonValueKind.Null, response.Data!.Value.GetProperty(field).ValueKind);
        }
        else
        {
            Assert.Equal("FORBIDDEN", response.ErrorCode);
        }
    }

    [Theory]
    [InlineData(Operation.PlayRecording)]
    [InlineData(Operation.ExportRecording)]
    [InlineData(Operation.DeleteRecording)]
    [InlineData(Operation.ViewRecordingAudit)]
    public async Task AnotherTenantsOwnerFindsNothing(Operation operation)
    {
        var (meetingId, _, apiId) = await RecordedMeetingAsync();

        var (_, response) = await CallAsync(api.Client(api.Demo.Demo2.Owner), operation, meetingId, apiId);

        Assert.Equal("NOT_FOUND", response.ErrorCode);
    }

    [Fact]
    public async Task MeetingListsItsRecordingsAndTheAuditShowsEachLink()
    {
        var (meetingId, recordingId, apiId) = await RecordedMeetingAsync();
        var manager = api.Client(api.Demo.Demo.Manager);

        var meeting = (await api.Client(api.ParticipantToken).ExecuteAsync(
            "query($id: ID!) { meeting(id: $id) { recordingState recordings { id kind startedAt endedAt durationMs sizeBytes partCount } utterances(first: 10) { id speakerNumber speakerName startedAt endedAt durationMs } } }",
            new { id = meetingId })).Field("meeting");
        Assert.Equal("none", meeting.GetProperty("recordingState").GetString());
        var recording = Assert.Single(meeting.GetProperty("recordings").EnumerateArray());
        Assert.Equal(apiId, recording.GetProperty("id").GetString());
        Assert.Equal("mixed", recording.GetProperty("kind").GetString());
        Assert.Equal(20 * 60 * 1000, recording.GetProperty("durationMs").GetInt64());
        Assert.Equal(2_000, recording.GetProperty("sizeBytes").GetInt64());
        Assert.Empty(meeting.GetProperty("utterances").EnumerateArray());

        var link = (await manager.ExecuteAsync(PlaybackMutation, new { id = apiId })).Field("recordingPlayback");
        var parts = link.GetProperty("parts").EnumerateArray().ToList();
        Assert.Equal(2, parts.Count);
        Assert.Equal(link.GetProperty("url").GetString(), parts[0].GetProperty("url").GetString());
        Assert.EndsWith("?part=1", parts[1].GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.StartsWith(api.Endpoint.GetLeftPart(UriPartial.Authority) + "/media/", link.GetProperty("url").GetString(), StringComparison.Ordinal);
        var expires = link.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddMinutes(4), DateTimeOffset.UtcNow.AddMinutes(5.1));
        (await manager.ExecuteAsync(DownloadMutation, new { id = apiId })).EnsureSuccess();

        var audit = (await manager.ExecuteAsync(AuditQuery, new { id = meetingId })).Field("recordingAudit").EnumerateArray().ToList();
        Assert.Equal(["export", "play"], audit.Select(a => a.GetProperty("action").GetString()));
        Assert.All(audit, a => Assert.Equal("1002", a.GetProperty("who").GetString()));
        Assert.All(audit, a => Assert.Equal(apiId, a.GetProperty("itemId").GetString()));
        _ = recordingId;
    }

    [Fact]
    public async Task AMeetingsNamedListenersPlayItsRecordings()
    {
        var created = (await api.Client(api.Demo.Demo.Owner).ExecuteAsync(
            "mutation { createMeeting(input: { title: \"Listened\", recordingListeners: [\"1004\"] }) { id } }")).Field("createMeeting");
        var meetingId = created.GetProperty("id").GetGuid();
        var recordingId = Guid.NewGuid();
        var catalog = api.Cluster.Grains.GetGrain<IRecordingCatalogGrain>(meetingId);
        await catalog.RecordingStartedAsync(api.Demo.Demo.Id, [new RecordingStart(recordingId, RecordingKind.Audio)], DateTimeOffset.UtcNow);
        await catalog.AddPartAsync(new RecordingPartInfo(recordingId, RecordingKind.Audio, 0, "blob-listened", new WrappedKey("k1", new byte[40]),
            110, 100, "audio/mp4", TimeSpan.Zero, TimeSpan.FromSeconds(5), true, DateTimeOffset.UtcNow));
        var apiId = RecordingIds.Format(meetingId, recordingId);

        (await api.Client(api.Demo.Demo.Member).ExecuteAsync(PlaybackMutation, new { id = apiId })).EnsureSuccess();
        Assert.Equal("FORBIDDEN", (await api.Client(api.Demo.Demo.Chair).ExecuteAsync(PlaybackMutation, new { id = apiId })).ErrorCode);
        Assert.Equal("FORBIDDEN", (await api.Client(api.Demo.Demo.Member).ExecuteAsync(DownloadMutation, new { id = apiId })).ErrorCode);
    }

    [Fact]
    public async Task BadRecordingIdsAreBadInput()
    {
        var response = await api.Client(api.Demo.Demo.Manager).ExecuteAsync(PlaybackMutation, new { id = "not-a-recording" });
        Assert.Equal("BAD_USER_INPUT", response.ErrorCode);
    }

    [Fact]
    public async Task RecordingControlErrorsAreTyped()
    {
        var owner = api.Client(api.Demo.Demo.Owner);
        var meeting = await owner.CreateMeetingAsync("No media", []);

        var start = await owner.ExecuteAsync("mutation($id: ID!) { startRecording(meetingId: $id) { recording } }", new { id = meeting.Id });
        Assert.Equal("BAD_USER_INPUT", start.ErrorCode);
        Assert.Equal("The meeting has no media to record", start.Errors[0].Message);
        var stop = await owner.ExecuteAsync("mutation($id: ID!) { stopRecording(meetingId: $id) { recording } }", new { id = meeting.Id });
        Assert.Equal("BAD_USER_INPUT", stop.ErrorCode);
        Assert.Equal("No recording is running", stop.Errors[0].Message);
        var member = await api.Client(api.Demo.Demo.Member).ExecuteAsync("mutation($id: ID!) { startRecording(meetingId: $id) { recording } }", new { id = meeting.Id });
        Assert.Equal("FORBIDDEN", member.ErrorCode);
        var state = (await owner.ExecuteAsync("query($id: ID!) { meeting(id: $id) { recording recordingState } }", new { id = meeting.Id })).Field("meeting");
        Assert.False(state.GetProperty("recording").GetBoolean());
        Assert.Equal("none", state.GetProperty("recordingState").GetString());
    }

    [Fact]
    public async Task ReplayUtterancePlaysOnlyIntoTheCallersOwnConnectedCall()
    {
        const string replay = "mutation($m: ID!, $u: ID!) { replayUtterance(meetingId: $m, utteranceId: $u) }";
        var owner = api.Client(api.Demo.Demo.Owner);
        var meeting = await owner.CreateMeetingAsync("Replay", []);
        var catalog = api.Cluster.Grains.GetGrain<IRecordingCatalogGrain>(meeting.Id);
        await catalog.RecordingStartedAsync(api.Demo.Demo.Id, [], DateTimeOffset.UtcNow);
        var utteranceId = Guid.NewGuid();
        await catalog.AddUtteranceAsync(new UtteranceInfo(utteranceId, "p1", DateTimeOffset.UtcNow.AddSeconds(-3), DateTimeOffset.UtcNow,
            null, $"blob-{Guid.NewGuid():N}", new WrappedKey("k1", new byte[40]), 1_100, 1_000, "audio/ogg"));
        var apiId = RecordingIds.Format(meeting.Id, utteranceId);

        // The owner may replay the meeting's utterances but has no call in it to play into.
        var notConnected = await owner.ExecuteAsync(replay, new { m = meeting.Id, u = apiId });
        Assert.Equal("BAD_USER_INPUT", notConnected.ErrorCode);
        Assert.Equal("You are not connected to this meeting: a replay plays into your own call.", notConnected.Errors[0].Message);

        // Another tenant finds nothing; an utterance of another meeting is bad input.
        var foreign = await api.Client(api.Demo.Demo2.Owner).ExecuteAsync(replay, new { m = meeting.Id, u = apiId });
        Assert.Equal("NOT_FOUND", foreign.ErrorCode);
        var mismatched = await owner.ExecuteAsync(replay, new { m = Guid.NewGuid(), u = apiId });
        Assert.Equal("BAD_USER_INPUT", mismatched.ErrorCode);
        var nowhere = Guid.NewGuid();
        var unknownMeeting = await owner.ExecuteAsync(replay, new { m = nowhere, u = RecordingIds.Format(nowhere, utteranceId) });
        Assert.Equal("NOT_FOUND", unknownMeeting.ErrorCode);

        // Nothing was authorised, so nothing was audited.
        var audit = (await api.Client(api.Demo.Demo.Manager).ExecuteAsync(AuditQuery, new { id = meeting.Id })).Field("recordingAudit");
        Assert.Empty(audit.EnumerateArray());
    }

    [Fact]
    public async Task OnlyTheOwnerRotatesTheRecordingKey()
    {
        foreach (var role in new[] { Role.Manager, Role.Chair, Role.Member, Role.Participant })
        {
            var denied = await api.Client(TokenOf(role)).ExecuteAsync("mutation { rotateRecordingKey(forgetOld: false) }");
            Assert.Equal("FORBIDDEN", denied.ErrorCode);
        }

        // Needs the real FileKeyRing (Sparkle.Recordings); fails with INTERNAL while it is a stub.
        (await api.Client(api.Demo.Demo.Owner).ExecuteAsync("mutation { rotateRecordingKey(forgetOld: false) }")).EnsureSuccess();
    }

    // ---- The playback endpoint

    private async Task<string> LinkAsync(DemoUser user, string apiId) =>
        (await api.Client(user).ExecuteAsync(PlaybackMutation, new { id = apiId })).Field("recordingPlayback").GetProperty("url").GetString()!;

    private async Task<HttpResponseMessage> FetchAsync(string url, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await api.Http.SendAsync(request);
    }

    [Fact]
    public async Task AValidLinkPassesEveryCheckWithoutABearerToken()
    {
        var (_, _, apiId) = await RecordedMeetingAsync();
        var url = await LinkAsync(api.Demo.Demo.Manager, apiId);

        using var plain = await FetchAsync(url);
        using var same = await FetchAsync(url, api.Demo.Demo.Manager.Token);

        // No blob store in the test cluster: the request got past the link, the user and the catalog.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, plain.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, same.StatusCode);
        Assert.Contains("not configured", await plain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAlteredOrForgedLinkIsForbidden()
    {
        var (_, _, apiId) = await RecordedMeetingAsync();
        var url = await LinkAsync(api.Demo.Demo.Manager, apiId);
        var token = url[(url.LastIndexOf('/') + 1)..];
        var dot = token.IndexOf('.');
        var payload = System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(token[..dot]));
        var baseUrl = url[..(url.LastIndexOf('/') + 1)];

        // Another user, the export kind, and a later expiry, each with the original MAC.
        var altered = new[]
        {
            payload.Replace("|1002|", "|1004|", StringComparison.Ordinal),
            payload.Replace("v1|0|", "v1|1|", StringComparison.Ordinal),
            payload[..payload.LastIndexOf('|')] + "|" + DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds(),
        }.Select(p => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p) + token[dot..]).ToList();
        var flipped = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];

        foreach (var bad in altered.Append(flipped).Append("garbage").Append(token[..dot]))
        {
            using var response = await FetchAsync(baseUrl + bad);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        Assert.All(altered, a => Assert.NotEqual(token, a));
    }

    [Fact]
    public async Task AnExpiredLinkIsForbidden()
    {
        var (meetingId, recordingId, _) = await RecordedMeetingAsync();
        var signer = api.Cluster.Api!.Services.GetRequiredService<MediaLinkSigner>();
        // The host's own key on a clock six minutes behind: the link expired a minute ago.
        var (token, expires) = signer.WithClock(new ShiftedClock(TimeSpan.FromMinutes(-6)))
            .Issue(MediaLinkKind.Play, api.Demo.Demo.Id, "1002", meetingId, recordingId);
        Assert.True(expires < DateTimeOffset.UtcNow);
        var (fresh, _) = signer.Issue(MediaLinkKind.Play, api.Demo.Demo.Id, "1002", meetingId, recordingId);
        var origin = api.Endpoint.GetLeftPart(UriPartial.Authority);

        using var expired = await FetchAsync($"{origin}/media/{token}");
        using var valid = await FetchAsync($"{origin}/media/{fresh}");

        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, valid.StatusCode);
    }

    [Fact]
    public async Task AnotherUsersBearerTokenIsForbidden()
    {
        var (_, _, apiId) = await RecordedMeetingAsync();
        var url = await LinkAsync(api.Demo.Demo.Manager, apiId);

        using var owner = await FetchAsync(url, api.Demo.Demo.Owner.Token);
        using var otherTenant = await FetchAsync(url, api.Demo.Demo2.Manager.Token);

        Assert.Equal(HttpStatusCode.Forbidden, owner.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherTenant.StatusCode);
    }

    [Fact]
    public async Task ALinkIsCheckedAgainOnEveryRequest()
    {
        var (_, _, apiId) = await RecordedMeetingAsync();
        var url = await LinkAsync(api.Demo.Demo.Manager, apiId);

        (await api.Client(api.Demo.Demo.Owner).ExecuteAsync(DeleteMutation, new { id = apiId })).EnsureSuccess();

        using var response = await FetchAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void RangesAreParsedAsRfc9110Says()
    {
        Assert.Null(MediaEndpoint.ParseRange(null, 100));
        Assert.Null(MediaEndpoint.ParseRange("bytes=0-1,5-6", 100));
        Assert.Null(MediaEndpoint.ParseRange("items=0-1", 100));
        Assert.Equal(new MediaEndpoint.ByteRange(0, 99, true), MediaEndpoint.ParseRange("bytes=0-", 100));
        Assert.Equal(new MediaEndpoint.ByteRange(10, 19, true), MediaEndpoint.ParseRange("bytes=10-19", 100));
        Assert.Equal(new MediaEndpoint.ByteRange(90, 99, true), MediaEndpoint.ParseRange("bytes=90-500", 100));
        Assert.Equal(new MediaEndpoint.ByteRange(80, 99, true), MediaEndpoint.ParseRange("bytes=-20", 100));
        Assert.Equal(new MediaEndpoint.ByteRange(0, 99, true), MediaEndpoint.ParseRange("bytes=-500", 100));
        Assert.False(MediaEndpoint.ParseRange("bytes=100-", 100)!.Value.Satisfiable);
        Assert.False(MediaEndpoint.ParseRange("bytes=-0", 100)!.Value.Satisfiable);
        Assert.Null(MediaEndpoint.ParseRange("bytes=20-10", 100));
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}
