using System.Diagnostics;
using System.Globalization;
using Sparkle.Client;
using Sparkle.Console.BrowserTests;
using Xunit.Abstractions;

namespace Sparkle.WebRtc.BrowserTests;

/// <summary>Figures, not pass/fail (tests/bench/webrtc/bench.sh runs these against a running platform): the time from
/// joinMeetingWebRtc to the first audio the browser hears, and the worker's and Chromium's CPU per browser leg.</summary>
[Collection(ChromiumCollection.Name)]
[Trait("Category", "Bench")]
public sealed class WebRtcBenchmarks(ChromiumFixture fixture, ITestOutputHelper output)
{
    private const string Chair = "1003";

    [Fact]
    public async Task JoinToFirstAudioHeard()
    {
        var joins = int.Parse(Environment.GetEnvironmentVariable("BENCH_JOINS") ?? "10", CultureInfo.InvariantCulture);
        using var phone = SipClient.Start(fixture.Platform, "1004", 440);
        await WaitAsync(() => Task.FromResult(phone.Log.Contains("200 OK", StringComparison.Ordinal)), TimeSpan.FromSeconds(30));
        var api = fixture.Platform.Api(0, Chair);
        var meetingId = await StartAsync(api, "1004");
        await WaitAsync(async () => (await api.GetLiveMeetingAsync(meetingId))!.Participants.Any(p => p.State == "connected"), TimeSpan.FromSeconds(30));

        var times = new List<double>();
        var misses = 0;
        for (var i = 0; i < joins; i++)
        {
            await using var browser = await BrowserPeer.OpenAsync(fixture);
            var offer = await browser.OfferAsync(video: false);
            var clock = Stopwatch.StartNew();
            var join = await fixture.Platform.Api(0, "1006").JoinMeetingWebRtcAsync(meetingId, offer);
            await browser.AnswerAsync(join.Answer);
            try
            {
                await WaitAsync(async () => await browser.LevelsAsync(440) is { } l && l[0] > -40, TimeSpan.FromSeconds(20), pollMs: 20);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            catch (TimeoutException)
            {
                misses++;
                using var stats = await browser.StatsAsync();
                var inbound = stats.RootElement.GetProperty("inboundAudio");
                var diagnosis = await browser.Page.EvaluateExpressionAsync<string>("String(!!window.audio) + ' ' + (window.audio ? window.audio.ctx.state : '') + ' ' + (window.audioError || '')");
                output.WriteLine($"join {i + 1}: the phone was not heard within 20 s (connection {await browser.ConnectionStateAsync()}; inbound audio {inbound}; analyser {diagnosis})");
            }
            await fixture.Platform.Api(0, "1006").LeaveMeetingWebRtcAsync(meetingId, join.ParticipantId);
        }
        times.Sort();
        output.WriteLine($"joinMeetingWebRtc to first audio heard ({joins} joins, {misses} not heard within 20 s): "
            + (times.Count == 0 ? "none heard" : $"p50 {times[times.Count / 2]:F0} ms, max {times[^1]:F0} ms, all [{string.Join(", ", times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))}]")
            + " (includes the page's 0.68 s analysis window and 20 ms polling)");
        await api.EndMeetingAsync(meetingId);
    }

    [Fact]
    public async Task WorkerAndChromiumCpuPerBrowserLeg()
    {
        var counts = (Environment.GetEnvironmentVariable("BENCH_BROWSERS") ?? "1,3,6").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
        var video = Environment.GetEnvironmentVariable("BENCH_VIDEO") != "0";
        var seconds = int.Parse(Environment.GetEnvironmentVariable("BENCH_SECONDS") ?? "20", CultureInfo.InvariantCulture);
        var worker = Pids("Sparkle.MediaWorker").Single();
        var api = fixture.Platform.Api(0, Chair);
        foreach (var count in counts)
        {
            var meetingId = await StartAsync(api);
            var browsers = new List<BrowserPeer>();
            try
            {
                for (var i = 0; i < count; i++)
                {
                    var browser = await BrowserPeer.OpenAsync(fixture);
                    browsers.Add(browser);
                    var join = await fixture.Platform.Api(0, (1004 + (i % 7)).ToString(CultureInfo.InvariantCulture)).JoinMeetingWebRtcAsync(meetingId, await browser.OfferAsync(video));
                    await browser.AnswerAsync(join.Answer);
                    await WaitAsync(async () => await browser.ConnectionStateAsync() == "connected", TimeSpan.FromSeconds(30));
                }
                await Task.Delay(TimeSpan.FromSeconds(3)); // settle: key frames, bitrate ramp
                var chromium = Pids("chromium");
                var workerBefore = CpuSeconds([worker]);
                var chromiumBefore = CpuSeconds(chromium);
                var clock = Stopwatch.StartNew();
                await Task.Delay(TimeSpan.FromSeconds(seconds));
                var wall = clock.Elapsed.TotalSeconds;
                var workerShare = (CpuSeconds([worker]) - workerBefore) / wall;
                var chromiumShare = (CpuSeconds(chromium) - chromiumBefore) / wall;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{count} browsers ({(video ? "audio+video" : "audio only")}), {seconds} s: worker {workerShare * 100:F1}% of a core ({workerShare * 100 / count:F2} per leg), Chromium {chromiumShare * 100:F1}% ({chromiumShare * 100 / count:F1} per browser), load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            }
            finally
            {
                foreach (var browser in browsers)
                {
                    await browser.DisposeAsync();
                }
                await api.EndMeetingAsync(meetingId);
            }
        }
    }

    private static async Task<Guid> StartAsync(SparkleClient api, params string[] numbers)
    {
        var plan = (await api.ExecuteAsync("mutation($i: CreateMeetingPlanInput!) { createMeetingPlan(input: $i) { id } }",
            new { i = new { title = "WebRTC bench", participants = numbers.Select(n => new { number = n }).ToList() } })).Get<IdOnly>("createMeetingPlan");
        var meeting = (await api.ExecuteAsync("mutation($i: CreateMeetingInput!) { createMeeting(input: $i) { id } }",
            new { i = new { planId = plan.Id } })).Get<IdOnly>("createMeeting");
        await api.StartCreatedMeetingAsync(meeting.Id);
        return meeting.Id;
    }

    private static List<int> Pids(string name)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(name, StringComparison.Ordinal))
                    {
                        pids.Add(pid);
                    }
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
        return pids;
    }

    /// <summary>User + system CPU seconds of the processes (/proc/PID/stat fields 14 and 15, in clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(IEnumerable<int> pids)
    {
        double total = 0;
        foreach (var pid in pids)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                total += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
            }
            catch (IOException)
            {
            }
        }
        return total;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan limit, int pollMs = 250)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException("benchmark condition not met in " + limit);
            }
            await Task.Delay(pollMs);
        }
    }

    private sealed record IdOnly(Guid Id);
}
