using System.Diagnostics;
using System.Text.Json;

namespace Sparkle.Console.BrowserTests;

/// <summary>A registered baresip that answers by itself, plays a tone and records what it hears
/// (tests/interop/console/sip-client.sh). Ended by its own process id.</summary>
public sealed class SipClient : IDisposable
{
    private readonly Process _process;

    private SipClient(string directory, string user, int tone, int? controlPort, Process process)
    {
        ControlPort = controlPort;
        Directory = directory;
        User = user;
        Tone = tone;
        _process = process;
    }

    public string Directory { get; }
    public string User { get; }
    public int Tone { get; }

    /// <summary>The ctrl_tcp port of a client that sends and receives video.</summary>
    public int? ControlPort { get; }

    public static SipClient Start(Platform platform, string user, int tone, bool video = false)
    {
        int? control = video ? FreeTcpPort() : null;
        var directory = Path.Combine(platform.Results, "sip", $"{user}-{DateTime.UtcNow:HHmmssfff}");
        System.IO.Directory.CreateDirectory(directory);
        var script = Environment.GetEnvironmentVariable("SPARKLE_SIP_CLIENT") ?? throw new InvalidOperationException("SPARKLE_SIP_CLIENT is not set (run tests/interop/console/run.sh)");
        var info = new ProcessStartInfo("bash", [script, directory, user, tone.ToString(System.Globalization.CultureInfo.InvariantCulture), .. control is { } c ? new[] { c.ToString(System.Globalization.CultureInfo.InvariantCulture) } : []])
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
        return new SipClient(directory, user, tone, control, process);
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
    public ToneLevels Levels(params int[] tones) => LevelsOf(Recording ?? throw new InvalidOperationException(User + " recorded nothing"), tones);

    /// <summary>Seconds of audio in the recording so far, from its size and the WAV header's byte rate.</summary>
    public double SecondsRecorded
    {
        get
        {
            if (Recording is not { } path)
            {
                return 0;
            }
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (stream.Length < 44)
            {
                return 0;
            }
            Span<byte> header = stackalloc byte[44];
            stream.ReadExactly(header);
            var byteRate = BitConverter.ToInt32(header[28..32]);
            return byteRate <= 0 ? 0 : (stream.Length - 44) / (double)byteRate;
        }
    }

    /// <summary>The recording so far, while the call goes on: a copy whose WAV header counts what is on disk (the
    /// writer fills in the sizes only when it closes the file). Null before the call started.</summary>
    public string? RecordingSoFar()
    {
        if (Recording is not { } path)
        {
            return null;
        }
        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        var data = bytes.AsSpan().IndexOf("data"u8);
        if (bytes.Length < 44 || data < 12)
        {
            return null;
        }
        var payload = (bytes.Length - data - 8) & ~3;
        BitConverter.TryWriteBytes(bytes.AsSpan(4, 4), data + payload);
        BitConverter.TryWriteBytes(bytes.AsSpan(data + 4, 4), payload);
        var copy = Path.Combine(Directory, "so-far.wav");
        File.WriteAllBytes(copy, bytes[..(data + 8 + payload)]);
        return copy;
    }

    /// <summary>Per-second levels of the given tones in a WAV file (tests/interop/tools/tone_levels.py).</summary>
    public static ToneLevels LevelsOf(string wav, params int[] tones)
    {
        var tool = Environment.GetEnvironmentVariable("SPARKLE_TONE_LEVELS") ?? throw new InvalidOperationException("SPARKLE_TONE_LEVELS is not set");
        var info = new ProcessStartInfo("python3", [tool, wav, .. tones.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture))])
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

    /// <summary>Asks baresip's snapshot module for a picture of the video it receives; the PNG's path, or null
    /// when none came within a few seconds (no video yet).</summary>
    public async Task<string?> SnapshotAsync()
    {
        var before = System.IO.Directory.GetFiles(Directory, "snapshot-recv-*.png").ToHashSet();
        using (var tcp = new System.Net.Sockets.TcpClient())
        {
            await tcp.ConnectAsync(System.Net.IPAddress.Loopback, ControlPort ?? throw new InvalidOperationException("not a video client"));
            var message = "{\"command\":\"snapshot\",\"params\":\"\",\"token\":\"console\"}"u8.ToArray();
            var stream = tcp.GetStream();
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"{message.Length}:"));
            await stream.WriteAsync(message);
            await stream.WriteAsync(","u8.ToArray());
            var buffer = new byte[1000];
            await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }
        for (var i = 0; i < 50; i++)
        {
            var fresh = System.IO.Directory.GetFiles(Directory, "snapshot-recv-*.png").Where(f => !before.Contains(f)).ToList();
            if (fresh.Count > 0)
            {
                await Task.Delay(300); // the PNG is being written
                return fresh[0];
            }
            await Task.Delay(100);
        }
        return null;
    }

    /// <summary>What each tile of a COLUMNS x ROWS grid of a received picture shows (tests/interop/tools/composite_tiles.py):
    /// "bars" (a sender's picture), "off", "empty" or "other".</summary>
    public static string Tiles(string png, int columns, int rows)
    {
        var tool = Environment.GetEnvironmentVariable("SPARKLE_COMPOSITE_TILES") ?? throw new InvalidOperationException("SPARKLE_COMPOSITE_TILES is not set");
        var info = new ProcessStartInfo("python3", [tool, png, columns.ToString(System.Globalization.CultureInfo.InvariantCulture), rows.ToString(System.Globalization.CultureInfo.InvariantCulture), "--words"])
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(info)!;
        var words = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return words;
    }

    private static int FreeTcpPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
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
