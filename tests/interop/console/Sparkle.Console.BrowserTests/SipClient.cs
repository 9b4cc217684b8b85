using System.Diagnostics;
using System.Text.Json;

namespace Sparkle.Console.BrowserTests;

/// <summary>A registered baresip that answers by itself, plays a tone and records what it hears
/// (tests/interop/console/sip-client.sh). Ended by its own process id.</summary>
public sealed class SipClient : IDisposable
{
    private readonly Process _process;

    private SipClient(string directory, string user, int tone, Process process)
    {
        Directory = directory;
        User = user;
        Tone = tone;
        _process = process;
    }

    public string Directory { get; }
    public string User { get; }
    public int Tone { get; }

    public static SipClient Start(Platform platform, string user, int tone)
    {
        var directory = Path.Combine(platform.Results, "sip", $"{user}-{DateTime.UtcNow:HHmmssfff}");
        System.IO.Directory.CreateDirectory(directory);
        var script = Environment.GetEnvironmentVariable("SPARKLE_SIP_CLIENT") ?? throw new InvalidOperationException("SPARKLE_SIP_CLIENT is not set (run tests/interop/console/run.sh)");
        var info = new ProcessStartInfo("bash", [script, directory, user, tone.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        var process = Process.Start(info)!;
        var log = File.CreateText(Path.Combine(directory, "baresip.log"));
        log.AutoFlush = true;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SipClient(directory, user, tone, process);
    }

    public string Log
    {
        get
        {
            using var stream = new FileStream(Path.Combine(Directory, "baresip.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd();
        }
    }

    /// <summary>What the client heard (sndfile's decoded side), once a call has started.</summary>
    public string? Recording => System.IO.Directory.GetFiles(Path.Combine(Directory, "rec"), "*-dec.wav").FirstOrDefault();

    /// <summary>Per-second levels of the given tones in the recording (tests/interop/tools/tone_levels.py).</summary>
    public ToneLevels Levels(params int[] tones)
    {
        var tool = Environment.GetEnvironmentVariable("SPARKLE_TONE_LEVELS") ?? throw new InvalidOperationException("SPARKLE_TONE_LEVELS is not set");
        var info = new ProcessStartInfo("python3", [tool, Recording ?? throw new InvalidOperationException(User + " recorded nothing"), .. tones.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture))])
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(info)!;
        var json = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        using var document = JsonDocument.Parse(json);
        var levels = document.RootElement.GetProperty("levels").EnumerateObject()
            .ToDictionary(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => p.Value.EnumerateArray().Select(v => v.GetDouble()).ToArray());
        return new ToneLevels(levels);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // baresip under bash's exec: the same process id; SIGTERM lets it hang up and close its files.
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
            if (!_process.WaitForExit(10_000))
            {
                _process.Kill();
            }
        }
        _process.Dispose();
    }
}

public sealed record ToneLevels(IReadOnlyDictionary<int, double[]> PerSecond);
