#:project ../../../media-workers/Sparkle.Video/Sparkle.Video.csproj
#:property Configuration=Release
#:property TieredCompilation=false
// Video MCU benchmark: N senders of pre-encoded 320x180 H.264 (ffmpeg testsrc) replayed as RTP
// payloads into one meeting, composited to 1280x720 + 640x360 and encoded with H.264.
// Usage: dotnet run bench.cs -- <input.h264> [participants=100] [frames=75] [ffmpeg-cpu-seconds] [chart.png]
using System.Diagnostics;
using Sparkle.Video.Codecs;
using Sparkle.Video.Compositing;
using Sparkle.Video.Imaging;
using Sparkle.Video.Layouts;
using Sparkle.Video.Pipeline;
using Sparkle.Video.Rtp;

var path = args[0];
var participants = args.Length > 1 ? int.Parse(args[1]) : 100;
var frameCount = args.Length > 2 ? int.Parse(args[2]) : 75;
const int Fps = 15;

// Load generator work, done before measuring: split the stream into access units and packetize.
var accessUnits = SplitAccessUnits(File.ReadAllBytes(path));
var packetizer = new H264Packetizer(1200);
var frames = accessUnits.Select(au => { var sink = new Collect(); packetizer.Packetize(au, sink); return sink.Packets; }).ToList();
Console.WriteLine($"{accessUnits.Count} access units, {frames.Sum(f => f.Count)} packets per sender loop");

using var mixer = new VideoMixer();
mixer.SetLayoutGroup(LayoutGroups.Grids);
var inputs = new List<VideoInput>();
for (var i = 0; i < participants; i++)
{
    mixer.AddParticipant($"p{i}", $"Participant {i}");
    inputs.Add(new VideoInput($"p{i}", VideoCodec.H264, mixer));
}

var main = mixer.GetOrAddOutput(1280, 720);
var low = mixer.GetOrAddOutput(640, 360);
using var mainEncoder = new OutputEncoder(main, VideoCodec.H264, 1500, Fps);
using var lowEncoder = new OutputEncoder(low, VideoCodec.H264, 500, Fps);
var discard = new Discard();

var process = Process.GetCurrentProcess();
var cpuStart = process.TotalProcessorTime;
var wall = Stopwatch.StartNew();
var tickTimes = new List<double>();
double decode = 0, compose = 0, encode = 0;
ushort sequenceBase = 0;
var cpuTicks = new List<double>();
for (var f = 0; f < frameCount; f++)
{
    var tick = Stopwatch.GetTimestamp();
    var c0 = ThreadCpuMs();
    var packets = frames[f % frames.Count];
    var ts = (uint)(f * 6000);
    for (var i = 0; i < inputs.Count; i++)
    {
        // Every sender replays the same stream into its own depacketizer and decoder.
        for (var p = 0; p < packets.Count; p++)
        {
            inputs[i].OnRtpPayload(packets[p].Payload, (ushort)(sequenceBase + p), ts, packets[p].Marker);
        }
    }

    sequenceBase += (ushort)packets.Count;

    var c1 = ThreadCpuMs();
    mixer.Render(TimeSpan.FromSeconds((double)f / Fps));
    var c2 = ThreadCpuMs();
    mainEncoder.EncodeAndPacketize(discard, out _);
    lowEncoder.EncodeAndPacketize(discard, out _);
    var c3 = ThreadCpuMs();
    decode += c1 - c0;
    compose += c2 - c1;
    encode += c3 - c2;
    cpuTicks.Add(c3 - c0);
    tickTimes.Add(Stopwatch.GetElapsedTime(tick).TotalMilliseconds);
}

wall.Stop();
process.Refresh();
var cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
var mediaSeconds = (double)frameCount / Fps;
tickTimes.Sort();
cpuTicks.Sort();
Console.WriteLine($"participants={participants} frames={frameCount} layout={mixer.CurrentLayout.Id}");
Console.WriteLine($"decoded={inputs.Sum(i => i.FramesDecoded)} skipped={inputs.Sum(i => i.FramesSkipped)} lost={inputs.Sum(i => i.FramesLost)} encoded={mainEncoder.FramesEncoded}+{lowEncoder.FramesEncoded}");
Console.WriteLine($"wall={wall.Elapsed.TotalSeconds:F2}s cpu={cpu:F2}s media={mediaSeconds:F2}s");
Console.WriteLine($"achieved_fps={frameCount / wall.Elapsed.TotalSeconds:F1} cores_at_15fps={cpu / mediaSeconds:F3}");
Console.WriteLine($"per_frame_cpu_ms decode={decode / frameCount:F2} compose={compose / frameCount:F2} encode={encode / frameCount:F2}");
Console.WriteLine($"mcu_latency_cpu_ms p50={cpuTicks[cpuTicks.Count / 2]:F2} p95={cpuTicks[(int)(cpuTicks.Count * 0.95)]:F2}");
Console.WriteLine($"mcu_latency_wall_ms p50={tickTimes[tickTimes.Count / 2]:F2} p95={tickTimes[(int)(tickTimes.Count * 0.95)]:F2} max={tickTimes[^1]:F2} (includes waiting for a core on a shared machine)");
foreach (var input in inputs)
{
    input.Dispose();
}

if (args.Length > 4)
{
    var ffmpegCores = double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) / mediaSeconds;
    var ours = cpu / mediaSeconds;
    Console.WriteLine($"ffmpeg_cores_at_15fps={ffmpegCores:F3} ratio_ffmpeg_over_sparkle={ffmpegCores / ours:F2}");
    var perFrame = (double)Fps / 1000;
    DrawChart(args[4], $"{participants} X 320X180 H.264 -> 1280X720 + 640X360 H.264 AT 15 FPS (CPU CORES)", [
        ("SPARKLE DECODE", decode / frameCount * perFrame),
        ("SPARKLE COMPOSE", compose / frameCount * perFrame),
        ("SPARKLE ENCODE", encode / frameCount * perFrame),
        ("SPARKLE PROCESS", ours),
        ("FFMPEG XSTACK", ffmpegCores),
    ]);
}

// Horizontal bars in CPU cores needed for real time; the red line is one core.
static void DrawChart(string path, string title, (string Label, double Cores)[] bars)
{
    const int Left = 200, Width = 900, BarHeight = 36, Top = 50;
    var max = Math.Max(1.2, bars.Max(b => b.Cores) * 1.1);
    var image = new RgbImage(Left + Width + 120, Top + (bars.Length * (BarHeight + 14)) + 30);
    image.Fill(new Rgb(250, 250, 250));
    image.DrawText(title, 10, 14, 2, Rgb.Black);
    for (var i = 0; i < bars.Length; i++)
    {
        var y = Top + (i * (BarHeight + 14));
        var length = (int)(bars[i].Cores / max * Width);
        var colour = bars[i].Label.StartsWith("FFMPEG", StringComparison.Ordinal) ? new Rgb(140, 140, 150) : new Rgb(230, 120, 30);
        image.DrawText(bars[i].Label, 10, y + 12, 2, Rgb.Black);
        image.FillRect(Left, y, length, BarHeight, colour);
        image.DrawText(bars[i].Cores.ToString("F2", System.Globalization.CultureInfo.InvariantCulture), Left + length + 8, y + 12, 2, Rgb.Black);
    }

    var oneCore = Left + (int)(1 / max * Width);
    image.FillRect(oneCore, Top - 8, 2, image.Height - Top, new Rgb(200, 0, 0));
    image.DrawText("1 CORE", oneCore + 6, image.Height - 22, 2, new Rgb(200, 0, 0));
    image.SavePng(path);
}

// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID): stage costs stay honest on a busy machine.
static double ThreadCpuMs()
{
    clock_gettime(3, out var ts);
    return (ts.Seconds * 1000.0) + (ts.Nanoseconds / 1e6);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int clock_gettime(int clock, out Timespec value);
}

static List<byte[]> SplitAccessUnits(byte[] stream)
{
    // A new access unit starts at a parameter set, SEI or AUD, or at a slice whose
    // first_mb_in_slice is 0 (ue(v) "1" bit), once the current unit already holds a slice.
    var units = new List<byte[]>();
    var current = new List<byte>();
    var hasSlice = false;
    var reader = new AnnexBReader(stream);
    while (reader.TryNext(out var nal))
    {
        var type = nal[0] & 0x1F;
        var isSlice = type is 1 or 5;
        var starts = type is 6 or 7 or 8 or 9 || (isSlice && nal.Length > 1 && (nal[1] & 0x80) != 0);
        if (starts && hasSlice)
        {
            units.Add([.. current]);
            current.Clear();
            hasSlice = false;
        }

        current.AddRange([0, 0, 0, 1]);
        current.AddRange(nal.ToArray());
        hasSlice |= isSlice;
    }

    if (hasSlice)
    {
        units.Add([.. current]);
    }

    return units;
}

sealed class Collect : IRtpPayloadSink
{
    public List<(byte[] Payload, bool Marker)> Packets { get; } = [];

    public void OnPayload(ReadOnlySpan<byte> payload, bool marker) => Packets.Add((payload.ToArray(), marker));
}

sealed class Discard : IRtpPayloadSink
{
    public long Bytes { get; private set; }

    public void OnPayload(ReadOnlySpan<byte> payload, bool marker) => Bytes += payload.Length;
}

[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
struct Timespec
{
    public long Seconds;
    public long Nanoseconds;
}
