using System.Diagnostics;
using System.Globalization;
using PuppeteerSharp;
using Sparkle.Client;

namespace Sparkle.Console.BrowserTests;

/// <summary>Figures, not checks (tests/bench/console/bench.sh runs them with --filter Category=Bench; the suite
/// leaves them out): first interactive page, transfer size, SIP join to the live view, mute click to muted.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Bench")]
public sealed class ConsoleBenchmarks(BrowserFixture fixture)
{
    private static readonly string Out = Environment.GetEnvironmentVariable("SPARKLE_CONSOLE_BENCH_OUT") ?? Path.GetTempPath();

    [Fact]
    public async Task FirstInteractivePageAndTransfer()
    {
        var times = new List<double>();
        long transferred = 0;
        for (var run = 0; run < 5; run++)
        {
            // A new incognito context each time: an empty cache, as a first visit.
            await using var tab = await ConsolePage.OpenAsync(fixture);
            long bytes = 0;
            tab.Page.Response += (_, e) =>
            {
                if (e.Response.Headers.TryGetValue("content-length", out var length) && long.TryParse(length, out var n))
                {
                    Interlocked.Add(ref bytes, n);
                }
            };
            var clock = Stopwatch.StartNew();
            await tab.GoAsync("signin");
            await tab.Page.WaitForSelectorAsync("form #tenant:not([disabled])");
            times.Add(clock.Elapsed.TotalMilliseconds);
            transferred = Interlocked.Read(ref bytes);
        }
        Report("first interactive page (sign-in form rendered by the app), cold cache, ms", times);
        File.AppendAllText(Path.Combine(Out, "console-bench.txt"), $"transferred on first load (content-length sum): {transferred / 1024.0:0.0} KiB{Environment.NewLine}");
    }

    [Fact]
    public async Task SipJoinToLiveViewAndMuteClickToMuted()
    {
        var joins = int.TryParse(Environment.GetEnvironmentVariable("SPARKLE_CONSOLE_BENCH_JOINS"), out var j) ? j : 100;
        var platform = fixture.Platform;
        var api = platform.Api(0, "1003");
        var meetingId = await LiveMeetingTests.CreateMeetingFromPlanAsync(api, "Console bench " + Guid.NewGuid().ToString("N")[..6]);
        var meeting = await api.StartCreatedMeetingAsync(meetingId);

        await using var tab = await ConsolePage.OpenAsync(fixture);
        await tab.SignInAsync(0, "1003", $"meetings/{meetingId}");
        await tab.WaitAsync("() => document.querySelector('.connection') && document.querySelector('.connection').dataset.state === 'live'");
        // Every participant id the page shows connected, with the time it first did.
        await tab.Page.EvaluateExpressionAsync(@"(() => {
            window.__seen = {};
            const scan = () => document.querySelectorAll('li.person[data-state=connected]').forEach(li => { if (!(li.dataset.participant in window.__seen)) window.__seen[li.dataset.participant] = Date.now(); });
            new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true });
            scan();
        })()");

        var latencies = new List<double>();
        var holders = new List<Process>();
        try
        {
            for (var i = 0; i < joins; i++)
            {
                var before = await tab.EvalAsync<int>("() => Object.keys(window.__seen).length");
                var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                holders.Add(Sipp(platform, meeting.ConferenceNumber, holdMs: 4000));
                await tab.WaitAsync($"() => Object.keys(window.__seen).length > {before}");
                var seen = await tab.EvalAsync<long>("() => Math.max(...Object.values(window.__seen))");
                latencies.Add(seen - started);
                holders.RemoveAll(p => { if (p.HasExited) { p.Dispose(); return true; } return false; });
            }
            Report($"SIP join (sipp launched) to connected in the open live view, {joins} joins, ms", latencies);

            // One guest that stays; mute and unmute it from the page 20 times.
            holders.Add(Sipp(platform, meeting.ConferenceNumber, holdMs: 600_000));
            var count = await tab.EvalAsync<int>("() => Object.keys(window.__seen).length");
            await tab.WaitAsync($"() => Object.keys(window.__seen).length > {count}");
            var id = await tab.EvalAsync<string>("() => Object.entries(window.__seen).sort((a, b) => b[1] - a[1])[0][0]");
            var row = $"li.person[data-participant='{id}']";
            var mutes = new List<double>();
            for (var i = 0; i < 20; i++)
            {
                var action = i % 2 == 0 ? "mute" : "unmute";
                var expected = i % 2 == 0 ? "true" : "false";
                var clickedAt = await tab.EvalAsync<double>($"() => {{ const t = performance.now(); document.querySelector(\"{row} button[data-action={action}]\").click(); return t; }}");
                await tab.WaitAsync($"() => document.querySelector(\"{row}\").dataset.muted === '{expected}'");
                var doneAt = await tab.EvalAsync<double>("() => performance.now()");
                mutes.Add(doneAt - clickedAt);
                var leg = (await api.GetLiveMeetingAsync(meetingId))!.Participants.Single(p => p.Id == id);
                Assert.Equal(expected == "true", leg.Muted);
            }
            Report("mute/unmute click to the row showing the grain's answer (mutation applied to the leg), 20 clicks, ms (upper bound: includes 200 ms polling of the wait)", mutes);
        }
        finally
        {
            foreach (var p in holders)
            {
                if (!p.HasExited)
                {
                    p.Kill();
                }
                p.Dispose();
            }
            await api.EndMeetingAsync(meetingId);
        }
    }

    private static Process Sipp(Platform platform, string conference, int holdMs)
    {
        var scenario = Environment.GetEnvironmentVariable("SPARKLE_CONSOLE_BENCH_SCENARIO") ?? throw new InvalidOperationException("SPARKLE_CONSOLE_BENCH_SCENARIO is not set");
        var host = Environment.GetEnvironmentVariable("SPARKLE_SIP_HOST") ?? "127.0.0.1";
        var port = Environment.GetEnvironmentVariable("SPARKLE_SIP_PORT") ?? "5060";
        var info = new ProcessStartInfo("sipp",
        [
            $"{host}:{port}", "-sf", scenario, "-t", "u1", "-i", "127.0.0.1", "-p", "0", "-mi", "127.0.0.1", "-mp", FreePort().ToString(CultureInfo.InvariantCulture),
            "-m", "1", "-l", "1", "-nostdin", "-timeout", "700", "-d", holdMs.ToString(CultureInfo.InvariantCulture),
            "-key", "domain", platform.Tenants[0].SipDomain, "-key", "user", "guest", "-au", "guest", "-ap", "unused", "-key", "conference", conference,
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }

    private static void Report(string what, List<double> values)
    {
        values.Sort();
        double P(double q) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
        var line = string.Create(CultureInfo.InvariantCulture, $"{what}: n={values.Count} p50={P(0.5):0} p99={P(0.99):0} max={values[^1]:0}");
        File.AppendAllText(Path.Combine(Out, "console-bench.txt"), line + Environment.NewLine);
        System.Console.WriteLine(line);
    }
}
