using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sparkle.Client;
using Sparkle.Console.BrowserTests;
using Xunit.Abstractions;

namespace Sparkle.WebRtc.BrowserTests;

/// <summary>A browser in the same meeting as SIP phones: the same N-1 mix both ways, SRTP from DTLS, the chair's
/// controls, refused offers, and a browser that never connects or goes away.</summary>
[Collection(ChromiumCollection.Name)]
public sealed partial class WebRtcJoinTests(ChromiumFixture fixture, ITestOutputHelper output)
{
    private const int PhoneTone1 = 440;
    private const int PhoneTone2 = 700;
    private const int BrowserTone = ChromiumFixture.BrowserTone;
    private const string Chair = "1003";
    private const string BrowserUser = "1006";

    private Platform Platform => fixture.Platform;

    [Fact]
    public async Task ABrowserAndTwoPhonesHearEachOtherNotThemselvesOverSrtpAndTheChairsMuteSilencesTheBrowser()
    {
        using var phone1 = SipClient.Start(Platform, "1004", PhoneTone1);
        using var phone2 = SipClient.Start(Platform, "1005", PhoneTone2);
        var meetingId = await StartMeetingWithPhonesAsync(phone1, phone2);

        await using var browser = await BrowserPeer.OpenAsync(fixture);
        var offer = await browser.OfferAsync(video: false);
        var join = await Platform.Api(0, BrowserUser).JoinMeetingWebRtcAsync(meetingId, offer);
        await browser.AnswerAsync(join.Answer);
        await WaitForAsync(async () => await browser.ConnectionStateAsync() == "connected", "the peer connection connected");
        await WaitForAsync(async () => (await ParticipantAsync(meetingId, join.ParticipantId))?.State == "connected", "the browser listed as connected");

        // The browser hears both phones and not itself (measured in the page on the remote track).
        await WaitForAsync(async () => await BrowserLevelsAsync(browser) is { } l && l[0] > -40 && l[1] > -40, "both phones heard in the browser");
        var heard = await MedianBrowserLevelsAsync(browser);
        output.WriteLine($"browser hears: {PhoneTone1} Hz {heard[0]:F1} dBFS, {PhoneTone2} Hz {heard[1]:F1} dBFS, its own {BrowserTone} Hz {heard[2]:F1} dBFS");
        Assert.True(heard[0] > -40, $"phone 1 heard at {heard[0]:F1} dBFS");
        Assert.True(heard[1] > -40, $"phone 2 heard at {heard[1]:F1} dBFS");
        Assert.True(heard[2] < -60, $"the browser hears itself at {heard[2]:F1} dBFS");

        // Each phone hears the browser.
        var joinedAt = Math.Max(phone1.SecondsRecorded, phone2.SecondsRecorded);
        await WaitForAsync(() => Task.FromResult(phone1.SecondsRecorded >= joinedAt + 5 && phone2.SecondsRecorded >= joinedAt + 5), "5 s recorded by both phones");
        foreach (var phone in new[] { phone1, phone2 })
        {
            var level = await LastSecondsLevelAsync(phone, BrowserTone, from: (int)joinedAt + 2, seconds: 3);
            output.WriteLine($"{phone.User} hears the browser at {level:F1} dBFS");
            Assert.True(level > -40, $"{phone.User} hears the browser at {level:F1} dBFS");
        }

        // On the wire: the browser's tone cannot be heard in its packets without the keys, while the phones' plain
        // G.711 in the same capture decodes to their tones (the control that the method hears a tone when it is there).
        var legPort = int.Parse(AudioPort().Match(join.Answer).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var opusType = byte.Parse(OpusPayloadType().Match(join.Answer).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        IReadOnlyList<(int Port, byte[] Payload)> wire;
        using (var capture = await WireCapture.StartAsync(Platform.Results))
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            wire = capture.Stop();
        }
        var fromBrowser = wire.Where(d => d.Port == legPort && d.Payload.Length > 12 && d.Payload[0] >> 6 == 2 && (d.Payload[1] & 0x7F) == opusType).Select(d => d.Payload).ToList();
        var browserToneOnWire = WireCapture.ToneProminence(fromBrowser, opusType, BrowserTone);
        var phoneToneOnWire = wire.Where(d => d.Port != legPort).GroupBy(d => d.Port)
            .Max(g => Math.Max(WireCapture.ToneProminence(g.Select(d => d.Payload), 0, PhoneTone1), WireCapture.ToneProminence(g.Select(d => d.Payload), 0, PhoneTone2)));
        output.WriteLine($"on the wire: {fromBrowser.Count} browser packets, its tone {browserToneOnWire:F1} dB above what they decode to; the phones' plain RTP {phoneToneOnWire:F1} dB");
        Assert.True(fromBrowser.Count > 100, $"only {fromBrowser.Count} packets from the browser captured");
        Assert.True(phoneToneOnWire > -6, $"the control failed: the phones' plain tones stand {phoneToneOnWire:F1} dB out");
        Assert.True(browserToneOnWire < -20, $"the browser's tone is audible on the wire ({browserToneOnWire:F1} dB)");

        // SRTP by construction: Chromium reports the DTLS transport and the SRTP cipher our DTLS server picked.
        using (var stats = await browser.StatsAsync())
        {
            var transport = stats.RootElement.GetProperty("transport");
            output.WriteLine("transport: " + transport);
            Assert.Equal("connected", transport.GetProperty("dtlsState").GetString());
            Assert.Equal("SRTP_AES128_CM_HMAC_SHA1_80", transport.GetProperty("srtpCipher").GetString());
            Assert.True(stats.RootElement.GetProperty("inboundAudio").GetProperty("packetsReceived").GetInt64() > 100);
        }

        // The chair mutes the browser through the API: the phones stop hearing it.
        await Platform.Api(0, Chair).SetMutedAsync(meetingId, join.ParticipantId, true);
        var mutedAt = Math.Max(phone1.SecondsRecorded, phone2.SecondsRecorded);
        await WaitForAsync(() => Task.FromResult(phone1.SecondsRecorded >= mutedAt + 5 && phone2.SecondsRecorded >= mutedAt + 5), "5 s recorded after the mute");
        foreach (var phone in new[] { phone1, phone2 })
        {
            var level = await LastSecondsLevelAsync(phone, BrowserTone, from: (int)mutedAt + 2, seconds: 3);
            output.WriteLine($"{phone.User} hears the muted browser at {level:F1} dBFS");
            Assert.True(level < -50, $"{phone.User} still hears the muted browser at {level:F1} dBFS");
        }
        Assert.True((await ParticipantAsync(meetingId, join.ParticipantId))!.Muted);

        Assert.True(await Platform.Api(0, BrowserUser).LeaveMeetingWebRtcAsync(meetingId, join.ParticipantId));
        Assert.Equal("disconnected", (await ParticipantAsync(meetingId, join.ParticipantId))!.State);
    }

    [Fact]
    public async Task ABrowserSeesTheCompositeWithItsOwnTileAndAVideoPhoneSeesTheBrowser()
    {
        using var phone = SipClient.Start(Platform, "1007", 500, video: true);
        var meetingId = await StartMeetingWithPhonesAsync(phone);
        var chair = Platform.Api(0, Chair);
        var phoneId = (await chair.GetLiveMeetingAsync(meetingId))!.Participants.Single(p => p.State == "connected").Id;

        await using var browser = await BrowserPeer.OpenAsync(fixture);
        var join = await Platform.Api(0, BrowserUser).JoinMeetingWebRtcAsync(meetingId, await browser.OfferAsync(video: true));
        await browser.AnswerAsync(join.Answer);
        await WaitForAsync(async () => await browser.ConnectionStateAsync() == "connected", "the peer connection connected");

        // One tile, the browser in it: the phone sees the browser's camera, and so does the browser itself.
        await chair.SetLayoutAsync(meetingId, "grid-1x1");
        await chair.SetLayoutModeAsync(meetingId, LayoutMode.Fixed);
        await chair.PlaceInSlotAsync(meetingId, join.ParticipantId, 0);
        var phoneSees = await PhoneSeesAsync(phone, words => words.StartsWith("other", StringComparison.Ordinal));
        var browserSees = await BrowserSeesAsync(browser, look => look.StartsWith("picture", StringComparison.Ordinal));
        output.WriteLine($"browser in the tile: the phone sees '{phoneSees}', the browser '{browserSees}'");

        // The phone in the tile: the browser sees its colour bars.
        await chair.PlaceInSlotAsync(meetingId, phoneId, 0);
        browserSees = await BrowserSeesAsync(browser, look => look.StartsWith("bars", StringComparison.Ordinal));
        output.WriteLine($"phone in the tile: the browser sees '{browserSees}'");
        Assert.Matches(@"^bars (1280x720|640x360)$", browserSees);

        using var stats = await browser.StatsAsync();
        var inbound = stats.RootElement.GetProperty("inboundVideo");
        var outbound = stats.RootElement.GetProperty("outboundVideo");
        output.WriteLine($"browser video in: {inbound.GetProperty("framesDecoded")} frames decoded; out: {outbound.GetProperty("framesEncoded")} frames encoded");
        Assert.True(inbound.GetProperty("framesDecoded").GetInt64() > 15);
        await chair.EndMeetingAsync(meetingId);
    }

    /// <summary>Snapshots of the phone's received composite until the one tile satisfies the condition.</summary>
    private static async Task<string> PhoneSeesAsync(SipClient phone, Func<string, bool> condition)
    {
        var last = "";
        await WaitForAsync(async () => await phone.SnapshotAsync() is { } png && condition(last = SipClient.Tiles(png, 1, 1)), "the phone's composite");
        return last;
    }

    private static async Task<string> BrowserSeesAsync(BrowserPeer browser, Func<string, bool> condition)
    {
        var last = "";
        await WaitForAsync(async () => await browser.LookAsync() is { } look && condition(last = look), "the browser's composite");
        return last;
    }

    [Fact]
    public async Task AWatchingBrowserHearsAndSeesTheMeetingAndSendsNothing()
    {
        using var phone = SipClient.Start(Platform, "1007", PhoneTone1, video: true);
        var meetingId = await StartMeetingWithPhonesAsync(phone);

        await using var browser = await BrowserPeer.OpenAsync(fixture);
        var join = await Platform.Api(0, BrowserUser).JoinMeetingWebRtcAsync(meetingId, await browser.OfferAsync(video: true, receiveOnly: true));
        Assert.Contains("a=sendonly", join.Answer, StringComparison.Ordinal);
        await browser.AnswerAsync(join.Answer);
        await WaitForAsync(async () => await browser.ConnectionStateAsync() == "connected", "the peer connection connected");

        await WaitForAsync(async () => await browser.LevelsAsync(PhoneTone1) is { } l && l[0] > -40, "the phone heard by the watching browser");
        var sees = await BrowserSeesAsync(browser, look => !look.StartsWith("dark", StringComparison.Ordinal));
        output.WriteLine($"watching: the browser sees '{sees}'");
        using var stats = await browser.StatsAsync();
        Assert.Equal(JsonValueKind.Null, stats.RootElement.GetProperty("outboundAudio").ValueKind);
        Assert.True(stats.RootElement.GetProperty("inboundVideo").GetProperty("framesDecoded").GetInt64() > 5);
        Assert.Equal("connected", (await ParticipantAsync(meetingId, join.ParticipantId))!.State);
        await Platform.Api(0, Chair).EndMeetingAsync(meetingId);
    }

    [Fact]
    public async Task RefusedOffersGetATypedErrorAndLeaveNoParticipantBehind()
    {
        var api = Platform.Api(0, Chair);
        var meetingId = await CreateAndStartAsync(api);
        await using var browser = await BrowserPeer.OpenAsync(fixture);
        var real = await browser.OfferAsync(video: true);
        var withoutFingerprint = string.Join("\r\n", real.Split("\r\n").Where(l => !l.StartsWith("a=fingerprint:", StringComparison.Ordinal)));
        const string phoneOffer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        var cases = new (string Offer, string Reason)[]
        {
            ("this is not SDP", "Unparseable"),
            (phoneOffer, "PlainRtp"),
            (withoutFingerprint, "NoFingerprint"),
        };
        var user = Platform.Api(0, BrowserUser);
        foreach (var (offer, reason) in cases)
        {
            var error = await Assert.ThrowsAsync<SparkleApiException>(() => user.JoinMeetingWebRtcAsync(meetingId, offer));
            output.WriteLine($"{reason}: {error.Code} {error.Errors[0].Reason}: {error.Message}");
            Assert.Equal("OFFER_NOT_ACCEPTABLE", error.Code);
            Assert.Equal(reason, error.Errors[0].Reason);
        }
        var meeting = await api.GetLiveMeetingAsync(meetingId);
        Assert.DoesNotContain(meeting!.Participants, p => p.UserNumber == BrowserUser && p.State is "connected" or "dialing_in");

        // Another tenant's user cannot tell the meeting exists.
        var stranger = await Assert.ThrowsAsync<SparkleApiException>(() => Platform.Api(1, BrowserUser).JoinMeetingWebRtcAsync(meetingId, real));
        Assert.Equal("NOT_FOUND", stranger.Code);
    }

    [Fact]
    public async Task ABrowserThatNeverConnectsIsMarkedFailedAndOneThatClosesLeaves()
    {
        var api = Platform.Api(0, Chair);
        var meetingId = await CreateAndStartAsync(api);

        // Joined, but the answer never reaches the browser: no ICE check comes, and the leg ends after 10 s.
        await using (var silent = await BrowserPeer.OpenAsync(fixture))
        {
            var join = await Platform.Api(0, BrowserUser).JoinMeetingWebRtcAsync(meetingId, await silent.OfferAsync(video: false));
            await WaitForAsync(async () => (await ParticipantAsync(meetingId, join.ParticipantId))?.State == "disconnected", "the unconnected browser dropped");
            var method = await DisconnectionMethodAsync(api, meetingId, join.ParticipantId);
            Assert.Equal("failed", method);
        }

        // Connected, then the browser closes its peer connection: it leaves (DTLS close_notify, or the no-media timeout).
        await using var browser = await BrowserPeer.OpenAsync(fixture);
        var second = await Platform.Api(0, BrowserUser).JoinMeetingWebRtcAsync(meetingId, await browser.OfferAsync(video: false));
        await browser.AnswerAsync(second.Answer);
        await WaitForAsync(async () => await browser.ConnectionStateAsync() == "connected", "the peer connection connected");
        await browser.CloseConnectionAsync();
        await WaitForAsync(async () => (await ParticipantAsync(meetingId, second.ParticipantId))?.State == "disconnected", "the closed browser left");

        // Removed by the chair: the worker's close_notify tells the browser at once (its DTLS transport closes).
        await using var removed = await BrowserPeer.OpenAsync(fixture);
        var third = await Platform.Api(0, BrowserUser).JoinMeetingWebRtcAsync(meetingId, await removed.OfferAsync(video: false));
        await removed.AnswerAsync(third.Answer);
        await WaitForAsync(async () => await removed.ConnectionStateAsync() == "connected", "the third peer connection connected");
        await api.CommandParticipantAsync(meetingId, third.ParticipantId, ParticipantCommand.Remove);
        await WaitForAsync(async () => await removed.Page.EvaluateExpressionAsync<string>("window.pc.getSenders()[0].transport.state") == "closed",
            "the removed browser's DTLS transport closed");
    }

    private async Task<Guid> StartMeetingWithPhonesAsync(params SipClient[] phones)
    {
        await WaitForAsync(() => Task.FromResult(phones.All(p => Registered().IsMatch(p.Log))), "the SIP clients registered");
        var api = Platform.Api(0, Chair);
        var meetingId = await CreateAndStartAsync(api, phones.Select(p => p.User).ToArray());
        await WaitForAsync(async () => (await api.GetLiveMeetingAsync(meetingId))!.Participants.Count(p => p.State == "connected") == phones.Length,
            "the phones connected");
        return meetingId;
    }

    private static async Task<Guid> CreateAndStartAsync(SparkleClient api, params string[] numbers)
    {
        var title = "WebRTC " + Guid.NewGuid().ToString("N")[..8];
        var plan = (await api.ExecuteAsync(
            "mutation($i: CreateMeetingPlanInput!) { createMeetingPlan(input: $i) { id } }",
            new { i = new { title, participants = numbers.Select(n => new { number = n }).ToList() } })).Get<IdOnly>("createMeetingPlan");
        var meeting = (await api.ExecuteAsync(
            "mutation($i: CreateMeetingInput!) { createMeeting(input: $i) { id } }",
            new { i = new { planId = plan.Id } })).Get<IdOnly>("createMeeting");
        await api.StartCreatedMeetingAsync(meeting.Id);
        return meeting.Id;
    }

    private async Task<MeetingParticipant?> ParticipantAsync(Guid meetingId, string participantId) =>
        (await Platform.Api(0, Chair).GetLiveMeetingAsync(meetingId))!.Participants.SingleOrDefault(p => p.Id == participantId);

    private static async Task<string?> DisconnectionMethodAsync(SparkleClient api, Guid meetingId, string participantId)
    {
        var response = await api.ExecuteAsync("query($id: ID!) { meeting(id: $id) { participants { id disconnectionMethod } } }", new { id = meetingId });
        return response.Get<ParticipantsOnly>("meeting").Participants.Single(p => p.Id == participantId).DisconnectionMethod;
    }

    private static Task<double[]?> BrowserLevelsAsync(BrowserPeer browser) => browser.LevelsAsync(PhoneTone1, PhoneTone2, BrowserTone);

    /// <summary>The median of five readings half a second apart, per tone (one reading covers 0.68 s).</summary>
    private static async Task<double[]> MedianBrowserLevelsAsync(BrowserPeer browser)
    {
        var readings = new List<double[]>();
        for (var i = 0; i < 5; i++)
        {
            readings.Add((await BrowserLevelsAsync(browser))!);
            await Task.Delay(500);
        }
        return [.. Enumerable.Range(0, 3).Select(t => readings.Select(r => r[t]).Order().ElementAt(2))];
    }

    /// <summary>The quietest of a few whole seconds of a tone in a phone's recording (so a single loud second proves nothing).
    /// The recording is still being written: a read that catches the header mid-update is retried.</summary>
    private static async Task<double> LastSecondsLevelAsync(SipClient phone, int tone, int from, int seconds)
    {
        double[]? levels = null;
        await WaitForAsync(() =>
        {
            try
            {
                levels = phone.RecordingSoFar() is { } wav ? SipClient.LevelsOf(wav, tone).PerSecond[tone] : [];
                return Task.FromResult(levels.Length >= from + seconds);
            }
            catch (Exception e) when (e is InvalidOperationException or JsonException or IOException)
            {
                return Task.FromResult(false);
            }
        }, $"{from + seconds} s of {phone.User}'s recording readable");
        return levels!.Skip(from).Take(seconds).Min();
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"waited 60 s for {what}");
            }
            await Task.Delay(250);
        }
    }

    [GeneratedRegex(@"^m=audio (\d+) ", RegexOptions.Multiline)]
    private static partial Regex AudioPort();

    [GeneratedRegex(@"^a=rtpmap:(\d+) opus/48000", RegexOptions.Multiline)]
    private static partial Regex OpusPayloadType();

    [GeneratedRegex(@"200 OK|registered", RegexOptions.IgnoreCase)]
    private static partial Regex Registered();

    private sealed record IdOnly(Guid Id);

    private sealed record ParticipantsOnly(List<ParticipantMethod> Participants);

    private sealed record ParticipantMethod(string Id, string? DisconnectionMethod);
}
