using System.Diagnostics;
using System.Text.RegularExpressions;
using Sparkle.Client;

namespace Sparkle.Console.BrowserTests;

/// <summary>The chair's room with real SIP clients: a plan's meeting started with one click from the page, the
/// clients seen connecting live, one muted from the page and checked at the grain and in what another hears.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class LiveMeetingTests(BrowserFixture fixture)
{
    private const int TalkerTone = 440;
    private const int ListenerTone = 700;

    [Fact]
    public async Task ChairStartsAPlanWithOneClickSeesTheCallsConnectAndMutesOneHeardSilentByTheOther()
    {
        var platform = fixture.Platform;
        using var talker = SipClient.Start(platform, "1004", TalkerTone);
        using var listener = SipClient.Start(platform, "1005", ListenerTone);
        var title = "Console live " + Guid.NewGuid().ToString("N")[..8];
        var meetingId = await CreateMeetingFromPlanAsync(platform.Api(0, "1003"), title, "1004", "1005");
        await WaitForAsync(() => Registered().IsMatch(talker.Log) && Registered().IsMatch(listener.Log), "both SIP clients registered");

        await using var tab = await ConsolePage.OpenAsync(fixture);
        await tab.SignInAsync(0, "1003", $"meetings/{meetingId}");
        await tab.Page.WaitForSelectorAsync("button[data-action=start]");
        await tab.Page.ClickAsync("button[data-action=start]");
        await tab.WaitAsync("() => document.querySelectorAll('li.person[data-state=connected]').length === 2");
        await tab.WaitAsync("() => document.querySelector('.connection').dataset.state === 'live'");
        await tab.ScreenshotAsync("live-meeting");

        // The listener hears the talker for a few seconds before the mute.
        await WaitForAsync(() => listener.SecondsRecorded >= 4, "4 s heard by the listener");
        var talkerRow = "li.person[data-number='1004']";
        await tab.Page.ClickAsync($"{talkerRow} button[data-action=mute]");
        await tab.WaitAsync($"() => document.querySelector(\"{talkerRow}\").dataset.muted === 'true'");
        var mutedAt = listener.SecondsRecorded;

        // The grain says so.
        var meeting = await platform.Api(0, "1003").GetLiveMeetingAsync(meetingId);
        Assert.True(meeting!.Participants.Single(p => p.UserNumber == "1004" || p.Uri.Contains("1004", StringComparison.Ordinal)).Muted);
        await tab.ScreenshotAsync("live-meeting-muted");

        // And the audio: eight more seconds, then the listener is hung up from the page, which closes its recording.
        // Whole seconds of the recording: m is the second in which the page showed the mute (the file may lag the
        // call by a fraction of a second, and the mute reaches the mix within a frame or two).
        var m = (int)Math.Floor(mutedAt);
        await WaitForAsync(() => listener.SecondsRecorded >= mutedAt + 8, "8 s heard after the mute");
        await tab.Page.ClickAsync("li.person[data-number='1005'] button[data-action=remove]");
        await tab.WaitAsync("() => document.querySelector(\"li.person[data-number='1005']\").dataset.state === 'disconnected'");
        ToneLevels? levels = null;
        await WaitForAsync(() =>
        {
            try
            {
                levels = listener.Levels(TalkerTone, ListenerTone);
                return levels.PerSecond[TalkerTone].Length >= m + 7;
            }
            catch (Exception e) when (e is InvalidOperationException or System.Text.Json.JsonException)
            {
                return false;
            }
        }, "the listener's recording closed");
        var talkerLevels = levels!.PerSecond[TalkerTone];
        var before = talkerLevels.Take(Math.Max(1, m - 1)).Max();
        var after = talkerLevels.Skip(m + 2).Take(4).Max();
        Assert.True(before > -30, $"the talker was heard before the mute (peak {before} dBFS; per second: {string.Join(' ', talkerLevels)})");
        Assert.True(after < -50, $"the talker is silent after the mute (peak {after} dBFS; muted in second {m}; per second: {string.Join(' ', talkerLevels)})");

        // A member of the meeting sees it without the chair's controls, and the API refuses them anyway.
        await using var member = await ConsolePage.OpenAsync(fixture);
        await member.SignInAsync(0, "1006", $"meetings/{meetingId}");
        await member.WaitAsync("() => document.querySelectorAll('li.person').length >= 2");
        // (The Join panel's buttons are the member's own, not the chair's.)
        Assert.Equal(0, await member.EvalAsync<int>("() => document.querySelectorAll('.chair-controls, button[data-action]:not(.join-panel *)').length"));
        await member.ScreenshotAsync("live-meeting-member");
        var refused = await platform.Api(0, "1006").ExecuteAsync("mutation($m: ID!) { lockMeeting(meetingId: $m) { id } }", new { m = meetingId });
        Assert.Contains(refused.ErrorCode, new[] { "FORBIDDEN", "ACCESS_DENIED", "UNAUTHORIZED" });

        // Another tenant sees none of it.
        await using var stranger = await ConsolePage.OpenAsync(fixture);
        await stranger.SignInAsync(1, "1001", $"meetings/{meetingId}");
        await stranger.WaitAsync("() => !!document.querySelector('main .form-error[role=alert]')");
        Assert.DoesNotContain(title, await stranger.EvalAsync<string>("() => document.body.innerText"));
        await stranger.GoAsync("meetings");
        await stranger.WaitAsync("() => !!document.querySelector('main table.list, main p:not([role=status])')");
        Assert.DoesNotContain(title, await stranger.EvalAsync<string>("() => document.body.innerText"));

        await platform.Api(0, "1003").EndMeetingAsync(meetingId);
    }

    internal static async Task<Guid> CreateMeetingFromPlanAsync(SparkleClient api, string title, params string[] numbers)
    {
        var plan = (await api.ExecuteAsync(
            "mutation($i: CreateMeetingPlanInput!) { createMeetingPlan(input: $i) { id } }",
            new { i = new { title, participants = numbers.Select(n => new { number = n }).ToList() } })).Get<IdOnly>("createMeetingPlan");
        var meeting = (await api.ExecuteAsync(
            "mutation($i: CreateMeetingInput!) { createMeeting(input: $i) { id } }",
            new { i = new { planId = plan.Id } })).Get<IdOnly>("createMeeting");
        return meeting.Id;
    }

    /// <summary>Polls a condition outside the page (files, logs) until it holds.</summary>
    internal static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > BrowserFixture.Patience)
            {
                throw new TimeoutException($"Waited {BrowserFixture.Patience.TotalSeconds} s for {what}.");
            }
            await Task.Delay(200);
        }
    }

    [GeneratedRegex(@"200 OK|registered", RegexOptions.IgnoreCase)]
    private static partial Regex Registered();

    private sealed record IdOnly(Guid Id);
}
