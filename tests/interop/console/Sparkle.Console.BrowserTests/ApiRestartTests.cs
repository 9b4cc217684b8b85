using System.Diagnostics;

namespace Sparkle.Console.BrowserTests;

/// <summary>The API host restarts under an open live view: the view reconnects by itself and catches up, without
/// a reload. Needs a way to restart the API host of the platform under test (SPARKLE_API_RESTART: a command that
/// restarts it and returns once it is healthy), so the suite leaves it out (Category=Restart); run it with
/// dotnet test --filter Category=Restart against a platform you started.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Restart")]
public sealed class ApiRestartTests(BrowserFixture fixture)
{
    [Fact]
    public async Task TheLiveViewResumesAfterTheApiHostRestartsAndShowsWhatChangedMeanwhile()
    {
        var restart = Environment.GetEnvironmentVariable("SPARKLE_API_RESTART") ?? throw new InvalidOperationException("SPARKLE_API_RESTART is not set");
        var platform = fixture.Platform;
        using var phone = SipClient.Start(platform, "1009", 600);
        var api = platform.Api(0, "1003");
        var meetingId = await LiveMeetingTests.CreateMeetingFromPlanAsync(api, "Console restart " + Guid.NewGuid().ToString("N")[..8], "1009");
        await LiveMeetingTests.WaitForAsync(() => phone.Log.Contains("200 OK", StringComparison.Ordinal), "the SIP client registered");

        await using var tab = await ConsolePage.OpenAsync(fixture);
        await tab.SignInAsync(0, "1003", $"meetings/{meetingId}");
        await tab.Page.WaitForSelectorAsync("button[data-action=start]");
        await tab.Page.ClickAsync("button[data-action=start]");
        const string row = "li.person[data-number='1009']";
        await tab.WaitAsync($"() => document.querySelector(\"{row}\")?.dataset.state === 'connected' && document.querySelector('.connection').dataset.state === 'live'");
        // A mark that a reload would wipe, and a record of every link state the view goes through.
        await tab.Page.EvaluateExpressionAsync(@"(() => {
            window.__noReload = true; window.__states = [];
            new MutationObserver(() => { const s = document.querySelector('.connection')?.dataset.state; if (s && window.__states.at(-1) !== s) window.__states.push(s); })
                .observe(document.body, { subtree: true, attributes: true, childList: true });
        })()");

        using (var process = Process.Start("bash", ["-c", restart])!)
        {
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
        }
        // A change while the view is (re)connecting: the view must show it without a reload.
        var phoneId = (await api.GetLiveMeetingAsync(meetingId))!.Participants.Single(p => p.UserNumber == "1009").Id;
        await api.CommandParticipantAsync(meetingId, phoneId, Sparkle.Client.ParticipantCommand.Mute);

        await tab.WaitAsync($"() => document.querySelector(\"{row}\").dataset.muted === 'true' && document.querySelector('.connection').dataset.state === 'live'");
        Assert.True(await tab.EvalAsync<bool>("() => window.__noReload === true"));
        var states = await tab.EvalAsync<string[]>("() => window.__states");
        Assert.Contains("reconnecting", states);
        await tab.ScreenshotAsync("live-meeting-after-api-restart");
        await api.EndMeetingAsync(meetingId);
    }
}
