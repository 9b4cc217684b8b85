using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Sparkle.Client;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Minutes;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Recordings;
using Sparkle.GraphQL.Recordings;
using PlannedParticipant = Sparkle.Grains.Plans.PlannedParticipant;
using Role = Sparkle.Grains.Identity.Role;

namespace Sparkle.GraphQL.Tests;

/// <summary>Minutes through the API: the fields, every role against the matrix, another tenant, a meeting that
/// takes none, the audio links, the Markdown and DOCX documents (opened with the OpenXml SDK), and the
/// minutes.finalized webhook. No transcription worker runs here: the test stores utterances in the catalog as
/// the media worker does and completes the queued jobs as the transcriber does. There is no blob store, so an
/// audio link that passes every check ends at 503 "storage is not configured".</summary>
[Collection(ApiCollection.Name)]
public sealed class MinutesTests(ApiFixture api)
{
    private const string MinutesQuery =
        "query($id: ID!) { meeting(id: $id) { minutes { status lagMs minutesEditor finalizedBy entries { id utteranceId speakerNumber speakerName startedAt endedAt text originalText confidence narrowband status reason editedBy editedAt audioUrl edits { at by text } } } } }";
    private const string EditMutation = "mutation($id: ID!, $text: String!) { editMinutesEntry(entryId: $id, text: $text) { id text originalText editedBy } }";
    private const string FinalizeMutation = "mutation($id: ID!) { finalizeMinutes(meetingId: $id) { status finalizedBy } }";
    private const string EditorMutation = "mutation($id: ID!, $n: String) { setMinutesEditor(meetingId: $id, userNumber: $n) }";
    private const string DocumentMutation = "mutation($id: ID!, $f: MinutesDocumentFormat!) { minutesDocument(meetingId: $id, format: $f) { url expiresAt } }";

    private sealed record Minuted(Guid MeetingId, Guid TenantId, IReadOnlyList<Guid> Utterances);

    /// <summary>A meeting made by the platform (nobody owns or chairs it) whose plan asks for minutes, with two
    /// utterances of two speakers stored and transcribed.</summary>
    private async Task<Minuted> MinutedMeetingAsync(Guid? tenant = null, bool minutes = true, string title = "Board review")
    {
        var tenantId = tenant ?? api.Demo.Demo.Id;
        var meetingId = Guid.NewGuid();
        var grains = api.Cluster.Grains;
        await grains.GetGrain<IMeetingGrain>(meetingId).CreateAsync(Caller.System(tenantId),
            new MeetingSpec(title, [new PlannedParticipant("1004", "Mia Member")], Recording: new RecordingSettings(Minutes: minutes)));
        var catalog = grains.GetGrain<IRecordingCatalogGrain>(meetingId);
        await catalog.RecordingStartedAsync(tenantId, [], DateTimeOffset.UtcNow);
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        var speakers = new[] { ("1004", "Mia Member", "we approve the budget"), ((string?)null, "Guest Caller", "thank you all") };
        var ids = new List<Guid>();
        for (var i = 0; i < speakers.Length; i++)
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            await catalog.AddUtteranceAsync(new UtteranceInfo(id, $"p{i}", start.AddSeconds(10 * i), start.AddSeconds(10 * i + 4), null,
                $"blob-{id:N}", new WrappedKey("k1", new byte[40]), 300, 250, "audio/ogg"));
        }

        if (!minutes)
        {
            return new Minuted(meetingId, tenantId, ids);
        }

        // The transcriber's part: lease, (the speakers are named here, as a known leg would be), complete.
        var queue = grains.GetGrain<ITranscriptionQueueGrain>(0);
        var done = 0;
        for (var round = 0; done < ids.Count && round < 100; round++)
        {
            foreach (var lease in (await queue.LeaseAsync("api-tests", 100, TimeSpan.FromSeconds(1))).Where(l => l.Job.MeetingId == meetingId))
            {
                var (number, name, text) = speakers[ids.IndexOf(lease.Job.UtteranceId)];
                var job = lease.Job with { SpeakerNumber = number, SpeakerName = name };
                await grains.GetGrain<IMinutesGrain>(meetingId).AddEntryAsync(job, new TranscriptionResult(MinutesEntryStatus.Transcribed, text, 0.75, false));
                Assert.True(await queue.CompleteAsync("api-tests", job.UtteranceId, new TranscriptionResult(MinutesEntryStatus.Transcribed, "ignored", 0, false)));
                done++;
            }

            await Task.Delay(50);
        }

        Assert.Equal(ids.Count, done);
        return new Minuted(meetingId, tenantId, ids);
    }

    private string TokenOf(Role role) => role switch
    {
        Role.Owner => api.Demo.Demo.Owner.Token,
        Role.Manager => api.Demo.Demo.Manager.Token,
        Role.Chair => api.Demo.Demo.Chair.Token,
        Role.Member => api.Demo.Demo.Member.Token,
        _ => api.ParticipantToken,
    };

    private async Task<JsonElement> MinutesAsync(SparkleClient client, Guid meetingId) =>
        (await client.ExecuteAsync(MinutesQuery, new { id = meetingId })).Field("meeting").GetProperty("minutes");

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
    public async Task MeetingMinutesListEntriesInMeetingTimeOrderWithSpeakersAndAudioLinks()
    {
        var m = await MinutedMeetingAsync();
        var minutes = await MinutesAsync(api.Client(api.Demo.Demo.Manager), m.MeetingId);

        Assert.Equal("live", minutes.GetProperty("status").GetString());
        Assert.True(minutes.GetProperty("lagMs").GetInt64() >= 0);
        var entries = minutes.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(m.Utterances.Select(u => RecordingIds.Format(m.MeetingId, u)), entries.Select(e => e.GetProperty("utteranceId").GetString()));
        Assert.Equal(["we approve the budget", "thank you all"], entries.Select(e => e.GetProperty("text").GetString()));
        Assert.Equal("1004", entries[0].GetProperty("speakerNumber").GetString());
        Assert.Equal("Mia Member", entries[0].GetProperty("speakerName").GetString());
        Assert.Equal(JsonValueKind.Null, entries[1].GetProperty("speakerNumber").ValueKind);
        Assert.Equal("transcribed", entries[0].GetProperty("status").GetString());
        Assert.Equal(0.75, entries[0].GetProperty("confidence").GetDouble(), 3);
        Assert.False(entries[0].GetProperty("narrowband").GetBoolean());
        var audio = entries[0].GetProperty("audioUrl").GetString()!;
        Assert.StartsWith(api.Endpoint.GetLeftPart(UriPartial.Authority) + "/media/", audio, StringComparison.Ordinal);

        // The link passes the minutes' rights (then finds no blob store here); another user's bearer, or a tampered link, does not.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await FetchAsync(audio)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await FetchAsync(audio, api.Demo.Demo.Member.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await FetchAsync(audio[..^2] + (audio[^2] == 'A' ? "BB" : "AA"))).StatusCode);
    }

    public static TheoryData<Role, Operation> RoleCases()
    {
        var data = new TheoryData<Role, Operation>();
        foreach (var role in Enum.GetValues<Role>())
        {
            foreach (var operation in new[] { Operation.ReadMinutes, Operation.EditMinutes, Operation.FinalizeMinutes, Operation.SetMinutesEditor })
            {
                data.Add(role, operation);
            }
        }

        return data;
    }

    private async Task<GraphQLResponse> CallAsync(SparkleClient client, Operation operation, Minuted m)
    {
        var entryId = (await MinutesAsync(api.Client(api.Demo.Demo.Owner), m.MeetingId)).GetProperty("entries")[0].GetProperty("id").GetString();
        return operation switch
        {
            Operation.ReadMinutes => await client.ExecuteAsync(MinutesQuery, new { id = m.MeetingId }),
            Operation.EditMinutes => await client.ExecuteAsync(EditMutation, new { id = entryId, text = "corrected" }),
            Operation.FinalizeMinutes => await client.ExecuteAsync(FinalizeMutation, new { id = m.MeetingId }),
            Operation.SetMinutesEditor => await client.ExecuteAsync(EditorMutation, new { id = m.MeetingId, n = "1004" }),
            _ => throw new InvalidOperationException(operation.ToString()),
        };
    }

    [Theory]
    [MemberData(nameof(RoleCases))]
    public async Task RoleMayDoExactlyWhatTheMatrixSays(Role role, Operation operation)
    {
        var m = await MinutedMeetingAsync();

        var response = await CallAsync(api.Client(TokenOf(role)), operation, m);

        if (Permissions.Allows(role, operation))
        {
            Assert.False(response.HasErrors, $"{role} {operation}: {string.Join("; ", response.Errors.Select(e => $"{e.Code}: {e.Message}"))}");
        }
        else
        {
            Assert.Equal("FORBIDDEN", response.ErrorCode);
        }
    }

    [Theory]
    [InlineData(Operation.ReadMinutes)]
    [InlineData(Operation.EditMinutes)]
    [InlineData(Operation.FinalizeMinutes)]
    [InlineData(Operation.SetMinutesEditor)]
    public async Task AnotherTenantsOwnerFindsNothing(Operation operation)
    {
        var m = await MinutedMeetingAsync();

        var response = await CallAsync(api.Client(api.Demo.Demo2.Owner), operation, m);

        Assert.Equal("NOT_FOUND", response.ErrorCode);
        Assert.Equal("NOT_FOUND", (await api.Client(api.Demo.Demo2.Owner).ExecuteAsync(DocumentMutation, new { id = m.MeetingId, f = "docx" })).ErrorCode);
    }

    [Fact]
    public async Task TheMinutesEditorEditsAndTheHistoryAndOriginalAreKeptUntilFinal()
    {
        var m = await MinutedMeetingAsync();
        var member = api.Client(api.Demo.Demo.Member); // 1004: planned participant, not a chair
        var entryId = (await MinutesAsync(api.Client(api.Demo.Demo.Owner), m.MeetingId)).GetProperty("entries")[0].GetProperty("id").GetString();
        Assert.Equal("FORBIDDEN", (await member.ExecuteAsync(EditMutation, new { id = entryId, text = "mine" })).ErrorCode);

        (await api.Client(api.Demo.Demo.Chair).ExecuteAsync(EditorMutation, new { id = m.MeetingId, n = "1004" })).EnsureSuccess();
        var edited = (await member.ExecuteAsync(EditMutation, new { id = entryId, text = "We approve the budget." })).Field("editMinutesEntry");
        Assert.Equal(("We approve the budget.", "we approve the budget", "1004"),
            (edited.GetProperty("text").GetString(), edited.GetProperty("originalText").GetString(), edited.GetProperty("editedBy").GetString()));
        var minutes = await MinutesAsync(member, m.MeetingId);
        Assert.Equal("1004", minutes.GetProperty("minutesEditor").GetString());
        Assert.Single(minutes.GetProperty("entries")[0].GetProperty("edits").EnumerateArray());

        (await member.ExecuteAsync(FinalizeMutation, new { id = m.MeetingId })).EnsureSuccess();
        Assert.Equal("BAD_USER_INPUT", (await member.ExecuteAsync(EditMutation, new { id = entryId, text = "later" })).ErrorCode);
        Assert.Equal("final", (await MinutesAsync(member, m.MeetingId)).GetProperty("status").GetString());
        Assert.Equal("BAD_USER_INPUT", (await member.ExecuteAsync(EditMutation, new { id = "not-an-id", text = "x" })).ErrorCode);
    }

    [Fact]
    public async Task AMeetingThatTakesNoMinutesIsRefusedClearly()
    {
        var m = await MinutedMeetingAsync(minutes: false);
        var response = await api.Client(api.Demo.Demo.Owner).ExecuteAsync(MinutesQuery, new { id = m.MeetingId });
        Assert.Equal("BAD_USER_INPUT", response.ErrorCode);
        Assert.Contains("takes no minutes", response.Errors[0].Message);
    }

    [Fact]
    public async Task TheDocxListsSpeakersTimesEntriesAndAudioLinks()
    {
        var m = await MinutedMeetingAsync();
        var manager = api.Client(api.Demo.Demo.Manager);
        var link = (await manager.ExecuteAsync(DocumentMutation, new { id = m.MeetingId, f = "docx" })).Field("minutesDocument");
        var url = link.GetProperty("url").GetString()!;
        Assert.StartsWith(api.Endpoint.GetLeftPart(UriPartial.Authority) + "/minutes/", url, StringComparison.Ordinal);
        Assert.Equal("FORBIDDEN", (await api.Client(api.Demo.Demo.Member).ExecuteAsync(DocumentMutation, new { id = m.MeetingId, f = "docx" })).ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await FetchAsync(url, api.Demo.Demo.Member.Token)).StatusCode);

        using var response = await FetchAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document", response.Content.Headers.ContentType?.MediaType);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        using var document = WordprocessingDocument.Open(stream, false);
        var main = document.MainDocumentPart!;
        var text = main.Document.Body!.InnerText;
        Assert.Contains("Minutes: Board review", text);
        Assert.Contains("we approve the budget", text);
        Assert.Contains("thank you all", text);
        Assert.Contains("Mia Member (1004)", text);
        Assert.Contains("Guest Caller", text);
        Assert.Matches(@"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d–\d\d:\d\d:\d\d\]", text);

        var hyperlinks = main.Document.Body.Descendants<Hyperlink>().ToList();
        Assert.Equal(2, hyperlinks.Count);
        var targets = hyperlinks.Select(h => main.HyperlinkRelationships.Single(r => r.Id == h.Id).Uri.ToString()).ToList();
        Assert.All(targets, t => Assert.StartsWith(api.Endpoint.GetLeftPart(UriPartial.Authority) + "/media/", t, StringComparison.Ordinal));
        // Each goes through the platform's checks: the manager's links pass them (no blob store here: 503).
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await FetchAsync(targets[0])).StatusCode);
    }

    [Fact]
    public async Task TheMarkdownListsTheSameAndEscapesWhatSpeakersSaid()
    {
        var m = await MinutedMeetingAsync(title: "Q3 [draft] *review*");
        var owner = api.Client(api.Demo.Demo.Owner);
        var entryId = (await MinutesAsync(owner, m.MeetingId)).GetProperty("entries")[1].GetProperty("id").GetString();
        (await owner.ExecuteAsync(EditMutation, new { id = entryId, text = "see [this](http://evil.example)" })).EnsureSuccess();
        var url = (await owner.ExecuteAsync(DocumentMutation, new { id = m.MeetingId, f = "markdown" })).Field("minutesDocument").GetProperty("url").GetString()!;

        using var response = await FetchAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        var markdown = await response.Content.ReadAsStringAsync();
        Assert.StartsWith(@"# Minutes: Q3 \[draft\] \*review\*", markdown, StringComparison.Ordinal);
        Assert.Contains("Speakers: Mia Member \\(1004\\), Guest Caller", markdown);
        Assert.Contains("we approve the budget ([audio](<http", markdown);
        Assert.Contains(@"see \[this\]\(http://evil.example\)", markdown);
        Assert.Equal(2, markdown.Split("/media/").Length - 1);
    }

    [Fact]
    public async Task FinalizingSendsMinutesFinalizedWithTheMeetingItsParticipantsAndTheDocument()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var owner = api.Client(api.Demo.Demo2.Owner);
        (await owner.ExecuteAsync("mutation($url: String!) { createWebhook(url: $url, events: [\"minutes.finalized\"]) { id } }",
            new { url = new Uri(receiver.BaseAddress, "minutes").ToString() })).EnsureSuccess();
        var m = await MinutedMeetingAsync(api.Demo.Demo2.Id, title: "Handed to OA");

        var final = (await owner.ExecuteAsync(FinalizeMutation, new { id = m.MeetingId })).Field("finalizeMinutes");
        Assert.Equal("final", final.GetProperty("status").GetString());

        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (!receiver.Received.Any(r => r.EventType == "minutes.finalized" && r.AnsweredWith == 200) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        var received = Assert.Single(receiver.Received, r => r.EventType == "minutes.finalized" && r.AnsweredWith == 200);
        using var body = JsonDocument.Parse(received.Body);
        var data = body.RootElement.GetProperty("data");
        Assert.Equal(m.MeetingId, data.GetProperty("meetingId").GetGuid());
        Assert.Equal("Handed to OA", data.GetProperty("title").GetString());
        Assert.Contains(data.GetProperty("participants").EnumerateArray(), p => p.GetProperty("userNumber").GetString() == "1004");
        using var document = await FetchAsync(data.GetProperty("documentUrl").GetString()!);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        using var docx = WordprocessingDocument.Open(new MemoryStream(await document.Content.ReadAsByteArrayAsync()), false);
        Assert.Contains("thank you all", docx.MainDocumentPart!.Document.Body!.InnerText);
    }
}
