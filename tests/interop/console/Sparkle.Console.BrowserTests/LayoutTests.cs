namespace Sparkle.Console.BrowserTests;

/// <summary>The layout picker acts on the picture everyone receives: two baresips send colour bars; the chair
/// picks the one-tile layout, fixed mode, and places one of them in its slot from the page; the other's received
/// composite then is that picture filling the frame (checked as tests/interop/video does).</summary>
[Collection(BrowserCollection.Name)]
public sealed class LayoutTests(BrowserFixture fixture)
{
    [Fact]
    public async Task ChairPicksTheOneTileLayoutAndPlacesASenderAndTheCompositeFollows()
    {
        var platform = fixture.Platform;
        using var sender = SipClient.Start(platform, "1007", 500, video: true);
        using var viewer = SipClient.Start(platform, "1008", 900, video: true);
        var meetingId = await LiveMeetingTests.CreateMeetingFromPlanAsync(platform.Api(0, "1003"), "Console layout " + Guid.NewGuid().ToString("N")[..8], "1007", "1008");
        await LiveMeetingTests.WaitForAsync(() => sender.Log.Contains("200 OK", StringComparison.Ordinal) && viewer.Log.Contains("200 OK", StringComparison.Ordinal), "both video clients registered");

        await using var tab = await ConsolePage.OpenAsync(fixture);
        await tab.SignInAsync(0, "1003", $"meetings/{meetingId}");
        await tab.Page.WaitForSelectorAsync("button[data-action=start]");
        await tab.Page.ClickAsync("button[data-action=start]");
        await tab.WaitAsync("() => document.querySelectorAll('li.person[data-state=connected]').length === 2");

        // Before: the viewer receives a composite of more than one tile.
        var before = await UntilAsync(viewer, 1, 1, words => words.Length > 0);
        await tab.Page.ClickAsync("button.layout-choice[data-layout='grid-1x1']");
        await tab.WaitAsync("() => document.querySelector(\"button.layout-choice[data-layout='grid-1x1']\").getAttribute('aria-pressed') === 'true'");
        if (!await tab.EvalAsync<bool>("() => document.querySelector('input[data-action=mode-fixed]').checked"))
        {
            await tab.Page.ClickAsync("input[data-action=mode-fixed]");
            await tab.WaitAsync("() => document.querySelector('input[data-action=mode-fixed]').checked && !!document.querySelector(\"li.person[data-number='1007'] select[data-action=slot]\")");
        }
        await tab.Page.SelectAsync("li.person[data-number='1007'] select[data-action=slot]", "0");
        await tab.WaitAsync("() => (document.querySelector('.slot-board .slot[data-slot=\"0\"]') || {}).innerText?.includes('1007')");
        await tab.ScreenshotAsync("live-meeting-layout");

        // After: one tile, the sender's bars filling the picture.
        var after = await UntilAsync(viewer, 1, 1, words => words.StartsWith("bars", StringComparison.Ordinal));
        Assert.StartsWith("bars", after);
        Assert.NotEqual(before, after);
        await platform.Api(0, "1003").EndMeetingAsync(meetingId);
    }

    /// <summary>Snapshots until the tiles satisfy the condition (controls take a moment through the grain and the
    /// worker); the last words seen.</summary>
    private static async Task<string> UntilAsync(SipClient client, int columns, int rows, Func<string, bool> condition)
    {
        var last = "";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < BrowserFixture.Patience)
        {
            if (await client.SnapshotAsync() is { } png)
            {
                last = SipClient.Tiles(png, columns, rows);
                if (condition(last))
                {
                    return last;
                }
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"The composite never matched; last seen: '{last}'.");
    }
}
