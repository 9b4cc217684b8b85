#:project ../../../media-workers/Sparkle.MediaWorker/Sparkle.MediaWorker.csproj
#:property Configuration=Release
#:property PublishAot=false
// Video MCU benchmark through the real media worker: the worker (a child process running the real
// MediaEngine: sockets, reorder buffers, decoders, VideoMixer, encoders, per-receiver RTP out, and the
// audio mixer for the same legs) hosts one meeting of N legs allocated through AllocateLegAsync with SDP
// offers (G.711 audio + H.264 packetization-mode=1 video, sendonly). This program is the load generator:
// it replays pre-encoded 320x180@15 H.264 as RTP over UDP from N sockets (senders staggered over the
// frame interval) and G.711 silence every 20 ms from N more; two viewer legs (one 720p, one with
// b=AS:500, which gets 360p) depacketize and decode what the worker sends them.
// Measured: worker CPU (whole process, and its video thread, from /proc), output fps at the viewers,
// loss, and the latency through the MCU: sender 0's stream flashes white for 3 frames each second; the
// time from the first packet of a flash's first frame leaving the generator to the viewer having decoded
// the first composite whose tile 0 shows it.
// Usage: dotnet run -c Release --file worker-bench.cs -- load <in.h264> <flash.h264> [participants=100]
//        [seconds=30] [ffmpeg-cpu-s] [ffmpeg-media-s] [chart.png]
//        (the "worker" mode is this program's child)
// BENCH_RECORD=whole|utterances|both: the meeting is recorded from before the warm-up (MediaEngine.StartRecordingAsync;
// the recorder takes the shared 720p encode; files sealed to a local folder by BenchRecordingStore below, then
// deleted) and stopped after the measured window: recorder and sealing thread CPU, bytes per minute, stop to sealed.
using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Recordings;
using Sparkle.Media.Recording;
using Sparkle.Media.Rtp;
using Sparkle.Media.Video;
using Sparkle.MediaWorker;
using Sparkle.MediaWorker.Engine;
using Sparkle.Video.Codecs;
using Sparkle.Video.Compositing;
using Sparkle.Video.Imaging;
using Sparkle.Video.Layouts;
using Sparkle.Video.Rtp;

var inv = CultureInfo.InvariantCulture;
if (args.Length > 0 && args[0] == "worker")
{
    await RunWorker(int.Parse(args[1], inv), int.Parse(args[2], inv));
    return;
}

var normalPath = args[1];
var flashPath = args[2];
var participants = args.Length > 3 ? int.Parse(args[3], inv) : 100;
var seconds = args.Length > 4 ? int.Parse(args[4], inv) : 30;
var ffmpegCpu = args.Length > 5 ? double.Parse(args[5], inv) : 0;
var ffmpegMedia = args.Length > 6 ? double.Parse(args[6], inv) : 0;
var chart = args.Length > 7 ? args[7] : null;
const int Fps = 15;
const string Layout = "grid-10x10";

// --- the worker process ---------------------------------------------------------------------------
var portMin = int.Parse(Environment.GetEnvironmentVariable("BENCH_PORTS") ?? "52000", inv);
var workerStart = new ProcessStartInfo(Environment.ProcessPath!, ["worker", $"{portMin}", $"{portMin + 1999}"])
{
    RedirectStandardInput = true,
    RedirectStandardOutput = true,
    UseShellExecute = false,
};
// As the worker's Program.cs does: socket completions run on the epoll thread.
workerStart.Environment["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1";
var worker = Process.Start(workerStart)!;
string Ask(string line)
{
    worker.StandardInput.WriteLine(line);
    return worker.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the worker exited");
}

// --- pre-encoded streams, packetized once (the load generator's work, not measured) ---------------
var normal = Packetize(File.ReadAllBytes(normalPath));
var flash = Packetize(File.ReadAllBytes(flashPath));
if (normal.Count != flash.Count || normal.Count % Fps != 0)
{
    throw new InvalidOperationException($"streams of {normal.Count} and {flash.Count} frames: expected equal, whole seconds");
}
Console.WriteLine($"{normal.Count} frames per loop, {normal.Sum(f => f.Count)} packets ({normal.Sum(f => f.Sum(p => p.Payload.Length)) * 8 * Fps / normal.Count / 1000} kbit/s) per sender");

// --- legs -----------------------------------------------------------------------------------------
var meeting = Guid.NewGuid();
string Alloc(string id, string sdp)
{
    var reply = Ask($"alloc {meeting} {id} {Convert.ToBase64String(Encoding.UTF8.GetBytes(sdp))}");
    if (!reply.StartsWith("ok ", StringComparison.Ordinal))
    {
        throw new InvalidOperationException(reply);
    }
    return Encoding.UTF8.GetString(Convert.FromBase64String(reply[3..]));
}
static Socket Bind()
{
    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    socket.ReceiveBufferSize = 1 << 20;
    return socket;
}
static int Port(Socket s) => ((IPEndPoint)s.LocalEndPoint!).Port;
static IPEndPoint Remote(string answer, string media) =>
    new(IPAddress.Loopback, int.Parse(answer.Split("\r\n").First(l => l.StartsWith($"m={media} ", StringComparison.Ordinal)).Split(' ')[1], CultureInfo.InvariantCulture));
static string Offer(string name, Socket audio, Socket video, string direction, string bandwidth) =>
    $"v=0\r\no={name} 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
    $"m=audio {Port(audio)} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=rtcp-mux\r\na=sendrecv\r\n" +
    $"m=video {Port(video)} RTP/AVP 100\r\n{bandwidth}a=rtpmap:100 H264/90000\r\n" +
    "a=fmtp:100 profile-level-id=42e01f;packetization-mode=1\r\n" +
    "a=rtcp-fb:100 nack\r\na=rtcp-fb:100 nack pli\r\na=rtcp-fb:100 ccm fir\r\n" +
    $"a=rtcp-mux\r\na={direction}\r\n";

var audioSockets = new Socket[participants];
var videoSockets = new Socket[participants];
var audioRemotes = new IPEndPoint[participants];
var videoRemotes = new IPEndPoint[participants];
// BENCH_SENDRECV=1: every sender also receives the composite (a meeting where everyone watches), which
// adds the fan-out (one RTP send per packet per receiver); the generator does not read those packets.
var senderDirection = Environment.GetEnvironmentVariable("BENCH_SENDRECV") == "1" ? "sendrecv" : "sendonly";
var allocWatch = Stopwatch.StartNew();
for (var i = 0; i < participants; i++)
{
    audioSockets[i] = Bind();
    videoSockets[i] = Bind();
    var answer = Alloc($"p{i}", Offer($"p{i}", audioSockets[i], videoSockets[i], senderDirection, ""));
    audioRemotes[i] = Remote(answer, "audio");
    videoRemotes[i] = Remote(answer, "video");
}
var viewers = new[] { new Viewer("hd", 1280, 720, ""), new Viewer("sd", 640, 360, "b=AS:500\r\n") };
foreach (var viewer in viewers)
{
    var answer = Alloc($"viewer-{viewer.Name}", Offer(viewer.Name, viewer.Audio, viewer.Video, "sendrecv", viewer.Bandwidth));
    viewer.Start();
}
Ask($"layout {meeting} {Layout} {string.Join(',', Enumerable.Range(0, participants).Select(i => $"p{i}"))}");
Console.WriteLine($"{participants} sender legs ({senderDirection}) + {viewers.Length} viewers allocated in {allocWatch.ElapsedMilliseconds} ms, layout {Layout}, {seconds} s measured");
var record = Environment.GetEnvironmentVariable("BENCH_RECORD") is { Length: > 0 } r && r != "off" ? r : null;
if (record is not null)
{
    var started = Ask($"record {meeting} {record}");
    if (started != "ok")
    {
        throw new InvalidOperationException(started);
    }
    Console.WriteLine($"recording: {record}");
}

// --- senders ----------------------------------------------------------------------------------------
const int WarmupFrames = 3 * Fps; // 3 s for the JIT, the decoders and the encoders to settle, not measured
var totalFrames = WarmupFrames + (seconds * Fps);
var flashSentAt = new long[totalFrames];
var period = Stopwatch.Frequency / Fps;
var stagger = period / participants;
var measuring = 0;
long measureStart = 0, measureEnd = 0;
double cpuStart = 0, cpuEnd = 0;
Dictionary<string, double> threadsStart = [], threadsEnd = [];
long ticksStart = 0;
long videoPacketsSent = 0, videoPacketsSentMeasured = 0;
var schedule = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 10);
var stopAudio = new CancellationTokenSource();

// G.711 silence, 20 ms, from every sender's audio socket (the viewers are silent too, without sending).
var audioThread = new Thread(() =>
{
    var packet = new byte[12 + 160];
    Array.Fill(packet, (byte)0xFF, 12, 160);
    var audioPeriod = Stopwatch.Frequency / 50;
    for (var n = 0; !stopAudio.IsCancellationRequested; n++)
    {
        WaitUntil(schedule + (n * audioPeriod));
        for (var i = 0; i < participants; i++)
        {
            RtpHeader.Write(packet, n == 0, 0, (ushort)n, (uint)(n * 160), 0x2000u + (uint)i);
            audioSockets[i].SendTo(packet, SocketFlags.None, audioRemotes[i]);
        }
    }
}) { IsBackground = true, Name = "audio-sender" };
audioThread.Start();

// Video: sender i sends frame k at schedule + k/15 s + i/N of a frame (senders are not in step).
var buffer = new byte[1500];
var sequences = new ushort[participants];
for (var k = 0; k < totalFrames; k++)
{
    if (k == WarmupFrames)
    {
        WaitUntil(schedule + (k * period));
        ticksStart = Ticks(Ask("stats"));
        threadsStart = ThreadCpuSeconds(worker.Id);
        cpuStart = threadsStart.Values.Sum();
        measureStart = Stopwatch.GetTimestamp();
        videoPacketsSentMeasured = -videoPacketsSent;
        foreach (var viewer in viewers)
        {
            viewer.StartMeasuring();
        }
        Volatile.Write(ref measuring, 1);
    }
    var frame = k % normal.Count;
    for (var i = 0; i < participants; i++)
    {
        WaitUntil(schedule + (k * period) + (i * stagger));
        if (i == 0)
        {
            Volatile.Write(ref flashSentAt[k], Stopwatch.GetTimestamp());
        }
        foreach (var (payload, marker) in (i == 0 ? flash : normal)[frame])
        {
            var header = RtpHeader.Write(buffer, marker, 100, sequences[i]++, (uint)(k * (90000 / Fps)), 0x1000u + (uint)i);
            payload.CopyTo(buffer, header);
            videoSockets[i].SendTo(buffer, 0, header + payload.Length, SocketFlags.None, videoRemotes[i]);
            videoPacketsSent++;
        }
    }
}
WaitUntil(schedule + (totalFrames * period));
threadsEnd = ThreadCpuSeconds(worker.Id);
cpuEnd = threadsEnd.Values.Sum();
measureEnd = Stopwatch.GetTimestamp();
videoPacketsSentMeasured += videoPacketsSent;
foreach (var viewer in viewers)
{
    viewer.StopMeasuring();
}
var workerStats = Ask("stats");
var ticksMeasured = Ticks(workerStats) - ticksStart;
// Stopped after the window: the video senders have stopped, the audio senders and the mixer still run.
var recording = record is null ? null : Ask("stoprec");
stopAudio.Cancel();
audioThread.Join();
await Task.Delay(300);
foreach (var viewer in viewers)
{
    viewer.Dispose();
}
foreach (var socket in audioSockets.Concat(videoSockets))
{
    socket.Dispose();
}
Ask("quit");
worker.WaitForExit(5000);
var load = File.ReadAllText("/proc/loadavg").Split(' ');

// --- results ------------------------------------------------------------------------------------------
var window = Stopwatch.GetElapsedTime(measureStart, measureEnd).TotalSeconds;
var workerCores = (cpuEnd - cpuStart) / window;
double ThreadGroup(Func<string, bool> match) =>
    threadsEnd.Where(t => match(t.Key)).Sum(t => t.Value) - threadsStart.Where(t => match(t.Key)).Sum(t => t.Value);
var videoThread = ThreadGroup(n => n.StartsWith("video-", StringComparison.Ordinal)) / window;
var mixerThread = ThreadGroup(n => n.StartsWith("mixer-clock", StringComparison.Ordinal)) / window;
var top = threadsEnd.Select(t => (Name: t.Key, Cores: (t.Value - threadsStart.GetValueOrDefault(t.Key)) / window))
    .OrderByDescending(t => t.Cores).Take(6);
Console.WriteLine($"load_average {load[0]} {load[1]} {load[2]} (2 cores shared with other work)");
Console.WriteLine($"worker_cpu_cores={workerCores:F3} ({workerCores * 100:F1}% of one core; {cpuEnd - cpuStart:F2} s CPU over {window:F1} s)");
Console.WriteLine($"  video_thread (decode {participants}, render, encode 2, send)={videoThread:F3} cores; mixer-clock (audio)={mixerThread:F3}; rest (sockets, SRTP-less RTP in/out, GC)={workerCores - videoThread - mixerThread:F3}");
Console.WriteLine($"  video ticks (composites) {ticksMeasured / window:F2}/s; video thread CPU per tick {videoThread * window / Math.Max(1, ticksMeasured) * 1000:F1} ms (processing latency without waiting for a core)");
Console.WriteLine($"  top threads: {string.Join(", ", top.Select(t => $"{t.Name}={t.Cores:F3}"))}");
Console.WriteLine($"worker {workerStats}");
if (recording is not null)
{
    double Field(string name) =>
        double.Parse(recording.Split(' ').First(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..], inv);
    var recorded = Field("recorded_s");
    Console.WriteLine($"recording ({record}) {recording}");
    Console.WriteLine($"  recorder_thread={ThreadGroup(n => n.StartsWith("recorder-", StringComparison.Ordinal)) / window:F4} cores, sealing_thread={ThreadGroup(n => n.StartsWith("bench-seal", StringComparison.Ordinal)) / window:F4} cores (both in worker_cpu_cores)");
    Console.WriteLine($"  stored_per_minute: whole_meeting={Field("part_bytes") / recorded * 60 / 1e6:F2} MB utterances={Field("utterance_bytes") / recorded * 60 / 1e6:F3} MB; stop_to_all_sealed_ms={Field("stop_to_all_sealed_ms"):F1}");
}
Console.WriteLine($"generator: video packets sent {videoPacketsSent} ({videoPacketsSentMeasured / window:F0}/s measured), {participants * 50} audio packets/s");
var rows = new List<string>();
foreach (var viewer in viewers)
{
    var latencies = viewer.Latencies(flashSentAt);
    latencies.Sort();
    var rtpLatencies = viewer.Latencies(flashSentAt, firstPacket: true);
    rtpLatencies.Sort();
    static double Q(List<double> list, double p) => list.Count == 0 ? double.NaN : list[Math.Min(list.Count - 1, (int)(p * list.Count))];
    double P(double p) => Q(latencies, p);
    var fps = viewer.FramesMeasured / window;
    Console.WriteLine($"viewer {viewer.Name}: {viewer.LastWidth}x{viewer.LastHeight} fps={fps:F2} frames={viewer.FramesMeasured} key={viewer.KeyFrames} decode_errors={viewer.DecodeErrors} " +
        $"packets={viewer.Stats.PacketsReceived} lost={viewer.Stats.CumulativeLost} ({(viewer.Stats.Expected == 0 ? 0 : 100.0 * viewer.Stats.CumulativeLost / viewer.Stats.Expected):F3}%) " +
        $"jitter_ms={viewer.Stats.JitterMilliseconds:F2} kbit/s={viewer.BytesMeasured * 8 / window / 1000:F0}");
    Console.WriteLine($"  mcu_latency_ms (flash's first packet sent -> composite showing it decoded at the viewer) p50={P(0.5):F1} p95={P(0.95):F1} max={(latencies.Count > 0 ? latencies[^1] : double.NaN):F1} flashes={latencies.Count}");
    Console.WriteLine($"  rtp_in_to_rtp_out_ms (flash's first packet sent -> first packet of that composite received) p50={Q(rtpLatencies, 0.5):F1} p95={Q(rtpLatencies, 0.95):F1}");
    rows.Add(string.Create(inv, $"{viewer.LastWidth}x{viewer.LastHeight},{fps:F2},{P(0.5):F1},{P(0.95):F1}"));
}
var ffmpegCores = ffmpegMedia > 0 ? ffmpegCpu / ffmpegMedia : double.NaN;
if (ffmpegCpu > 0)
{
    Console.WriteLine($"ffmpeg_xstack_cores_at_15fps={ffmpegCores:F3} ratio_ffmpeg_over_worker={ffmpegCores / workerCores:F2} (over the video thread alone: {ffmpegCores / videoThread:F2})");
}
if (chart is not null)
{
    DrawChart(chart, $"MEDIA WORKER: {participants} X 320X180 H.264 OVER UDP -> 1280X720 + 640X360 AT 15 FPS (CPU CORES)",
        $"LOAD AVG {load[0]}  720P {rows[0].Split(',')[1]} FPS, LATENCY P50 {rows[0].Split(',')[2]} MS  360P {rows[1].Split(',')[1]} FPS, P50 {rows[1].Split(',')[2]} MS", [
        ("WORKER VIDEO THREAD", videoThread),
        ("WORKER AUDIO MIXER", mixerThread),
        ("WORKER OTHER THREADS", workerCores - videoThread - mixerThread),
        ("WORKER PROCESS", workerCores),
        ("FFMPEG XSTACK", ffmpegCores),
    ]);
    Console.WriteLine($"chart: {chart}");
}

static long Ticks(string stats) =>
    long.Parse(stats.Split(' ').First(p => p.StartsWith("ticks=", StringComparison.Ordinal))[6..], CultureInfo.InvariantCulture);

static void WaitUntil(long due)
{
    while (Stopwatch.GetTimestamp() < due - (Stopwatch.Frequency / 500))
    {
        Thread.Sleep(1);
    }
    while (Stopwatch.GetTimestamp() < due)
    {
        Thread.SpinWait(20);
    }
}

// utime + stime of each thread of a process, by thread name (from /proc; clock ticks of 1/100 s).
static Dictionary<string, double> ThreadCpuSeconds(int pid)
{
    var result = new Dictionary<string, double>(StringComparer.Ordinal);
    foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(task, "stat"));
            var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
            result[name] = result.GetValueOrDefault(name) + cpu;
        }
        catch (IOException)
        {
            // the thread ended
        }
    }
    return result;
}

static List<List<(byte[] Payload, bool Marker)>> Packetize(byte[] stream)
{
    var packetizer = new H264Packetizer(1200);
    var frames = new List<List<(byte[], bool)>>();
    foreach (var unit in SplitAccessUnits(stream))
    {
        var sink = new Collect();
        packetizer.Packetize(unit, sink);
        frames.Add(sink.Packets);
    }
    return frames;
}

static List<byte[]> SplitAccessUnits(byte[] stream)
{
    // As bench.cs: a new access unit starts at a parameter set, SEI or AUD, or at a slice whose
    // first_mb_in_slice is 0, once the current unit already holds a slice.
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

static void DrawChart(string path, string title, string subtitle, (string Label, double Cores)[] bars)
{
    const int Left = 280, Width = 820, BarHeight = 36, Top = 70;
    var max = Math.Max(1.2, bars.Max(b => double.IsNaN(b.Cores) ? 0 : b.Cores) * 1.1);
    var image = new RgbImage(Left + Width + 120, Top + (bars.Length * (BarHeight + 14)) + 30);
    image.Fill(new Rgb(250, 250, 250));
    image.DrawText(title, 10, 14, 2, Rgb.Black);
    image.DrawText(subtitle, 10, 40, 2, Rgb.Black);
    for (var i = 0; i < bars.Length; i++)
    {
        var y = Top + (i * (BarHeight + 14));
        var cores = double.IsNaN(bars[i].Cores) ? 0 : bars[i].Cores;
        var length = (int)(cores / max * Width);
        var colour = bars[i].Label.StartsWith("FFMPEG", StringComparison.Ordinal) ? new Rgb(140, 140, 150) : new Rgb(230, 120, 30);
        image.DrawText(bars[i].Label, 10, y + 12, 2, Rgb.Black);
        image.FillRect(Left, y, Math.Max(2, length), BarHeight, colour);
        image.DrawText(cores.ToString("F2", CultureInfo.InvariantCulture), Left + length + 8, y + 12, 2, Rgb.Black);
    }
    var oneCore = Left + (int)(1 / max * Width);
    image.FillRect(oneCore, Top - 8, 2, image.Height - Top, new Rgb(200, 0, 0));
    image.DrawText("1 CORE", oneCore + 6, image.Height - 22, 2, new Rgb(200, 0, 0));
    image.SavePng(path);
}

// The worker: the real engine, driven over stdin/stdout (no cluster needed).
static async Task RunWorker(int portMin, int portMax)
{
    var spool = Path.Combine(Path.GetTempPath(), $"sparkle-video-bench-{Environment.ProcessId}");
    using var store = new BenchRecordingStore(Path.Combine(spool, "sealed"));
    await using var engine = new MediaEngine(Options.Create(new MediaWorkerOptions
    {
        WorkerId = "video-bench",
        RtpPortMin = portMin,
        RtpPortMax = portMax,
        CapacityLegs = 2000,
        SilentAfterSeconds = 3600,
        Recording = new RecordingWorkerOptions { SpoolFolder = spool },
    }), new NullSink(), NullLogger<MediaEngine>.Instance, store);
    using var housekeeping = new Timer(_ => engine.Housekeeping(), null, 500, 500);
    string? line;
    while ((line = Console.ReadLine()) is not null)
    {
        var parts = line.Split(' ');
        switch (parts[0])
        {
            case "alloc":
                var sdp = Encoding.UTF8.GetString(Convert.FromBase64String(parts[3]));
                var allocation = await engine.AllocateLegAsync(new LegRequest(Guid.Parse(parts[1]), parts[2], sdp, false, parts[2]));
                Console.WriteLine(allocation.Ok
                    ? "ok " + Convert.ToBase64String(Encoding.UTF8.GetBytes(allocation.LocalSdp!))
                    : "err " + allocation.Error);
                break;
            case "layout":
                await engine.SetLayoutAsync(Guid.Parse(parts[1]), new VideoLayoutControl(parts[2], Automatic: false, parts[3].Split(',')));
                Console.WriteLine("ok");
                break;
            case "stats":
                Console.WriteLine(VideoStats(engine));
                break;
            case "record":
                Console.WriteLine(await store.StartAsync(engine, Guid.Parse(parts[1]), parts[2]));
                break;
            case "stoprec":
                Console.WriteLine(await store.StopAsync(engine));
                break;
            case "quit":
                Console.WriteLine("bye");
                try
                {
                    Directory.Delete(spool, recursive: true);
                }
                catch (IOException)
                {
                }
                return;
            default:
                Console.WriteLine("err unknown command");
                break;
        }
    }
}

// What the meeting's VideoConference and video legs did. The engine keeps its meetings private; a
// benchmark may look (reflection), the product needs no accessor for it.
static string VideoStats(MediaEngine engine)
{
    const BindingFlags Any = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
    var meetings = (IDictionary)typeof(MediaEngine).GetField("_meetings", Any)!.GetValue(engine)!;
    var text = new StringBuilder();
    foreach (var meeting in meetings.Values)
    {
        var video = (VideoConference?)meeting.GetType().GetProperty("Video", Any)!.GetValue(meeting);
        if (video is null)
        {
            continue;
        }
        long rtpIn = 0, rtpOut = 0, nacks = 0, pli = 0;
        foreach (var leg in ((IDictionary)meeting.GetType().GetProperty("Legs", Any)!.GetValue(meeting)!).Values)
        {
            if (leg.GetType().GetProperty("Video", Any)!.GetValue(leg) is Sparkle.Media.Transport.VideoLegTransport transport)
            {
                rtpIn += transport.Counters.RtpReceived;
                rtpOut += transport.Counters.RtpSent;
                nacks += transport.Counters.NacksSent;
                pli += transport.Counters.KeyFrameRequestsSent;
            }
        }
        var senders = video.Senders;
        text.Append(CultureInfo.InvariantCulture,
            $"layout={video.Mixer.CurrentLayout.Id} ticks={video.Ticks} tick_wall_ms_mean={video.BusyTime.TotalMilliseconds / Math.Max(1, video.Ticks):F1} " +
            $"video_rtp_in={rtpIn} video_rtp_out={rtpOut} nacks_sent={nacks} key_frame_requests_sent={pli} " +
            $"decoded={senders.Sum(s => s.FramesDecoded)} skipped={senders.Sum(s => s.FramesSkipped)} lost={senders.Sum(s => s.FramesLost)} decode_errors={senders.Sum(s => s.DecodeErrors)} " +
            $"streams=[{string.Join("; ", video.Streams.Select(s => $"{s.Width}x{s.Height} {s.Codec} to {s.Receivers}: {s.FramesEncoded} frames, {s.KeyFrames} key"))}]");
    }
    return text.ToString();
}

/// <summary>The bench's recording store (BENCH_RECORD): as the worker's SealingRecordingStore does, each finished
/// file is sealed (chunked AES-256-GCM, <c>SealedFormat.SealAsync</c>, a fresh random key per recording) on a
/// thread of its own, here into a local folder instead of the upload spool; then both the plaintext and the
/// sealed file are deleted. No key grain, no blob upload. Counts files and bytes, and when the last part was
/// handed over and sealed (for "stop to playable").</summary>
sealed class BenchRecordingStore : IRecordingStore, IRecordingSink, IDisposable
{
    private readonly string _folder;
    private readonly byte[] _key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
    private readonly BlockingCollection<string> _jobs = new();
    private readonly Thread _thread;
    private int _busy;
    public long Parts, Utterances, PartBytes, UtteranceBytes, SealedBytes, Sealed;
    public double UtteranceSeconds;
    public long LastPartHandedAt, LastSealedAt;

    public BenchRecordingStore(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
        _thread = new Thread(Seal) { IsBackground = true, Name = "bench-seal" };
        _thread.Start();
    }

    public IRecordingSink Open(Guid meetingId, RecordingOrder order) => this;

    public void PartCompleted(RecordedPart part)
    {
        Interlocked.Increment(ref Parts);
        Interlocked.Add(ref PartBytes, part.Bytes > 0 ? part.Bytes : new FileInfo(part.LocalPath).Length);
        if (part.Last)
        {
            Volatile.Write(ref LastPartHandedAt, Stopwatch.GetTimestamp());
        }
        Interlocked.Increment(ref _busy);
        _jobs.Add(part.LocalPath);
    }

    public void UtteranceCompleted(RecordedUtterance utterance)
    {
        Interlocked.Increment(ref Utterances);
        Interlocked.Add(ref UtteranceBytes, new FileInfo(utterance.LocalPath).Length);
        lock (_jobs)
        {
            UtteranceSeconds += (utterance.EndedAt - utterance.StartedAt).TotalSeconds;
        }
        Interlocked.Increment(ref _busy);
        _jobs.Add(utterance.LocalPath);
    }

    /// <summary>Waits until every file handed over so far is sealed; returns when the last one was.</summary>
    public long WaitSealed()
    {
        while (Volatile.Read(ref _busy) > 0)
        {
            Thread.Sleep(1);
        }
        return Volatile.Read(ref LastSealedAt);
    }

    private void Seal()
    {
        foreach (var path in _jobs.GetConsumingEnumerable())
        {
            var sealedPath = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".sealed");
            using (var source = File.OpenRead(path))
            using (var destination = File.Create(sealedPath))
            {
                Sparkle.Recordings.SealedFormat.SealAsync(source, destination, _key).GetAwaiter().GetResult();
            }
            Interlocked.Add(ref SealedBytes, new FileInfo(sealedPath).Length);
            File.Delete(path);
            File.Delete(sealedPath);
            Interlocked.Increment(ref Sealed);
            Volatile.Write(ref LastSealedAt, Stopwatch.GetTimestamp());
            Interlocked.Decrement(ref _busy);
        }
    }


    private long _startedAt;
    private Guid _meeting;
    private object? _recorder;

    /// <summary>"record &lt;meeting&gt; whole|utterances|both": starts a recording as the meeting grain's order would.</summary>
    public async Task<string> StartAsync(MediaEngine engine, Guid meeting, string mode)
    {
        var whole = mode is "whole" or "both";
        var utterances = mode is "utterances" or "both";
        await engine.StartRecordingAsync(meeting, new RecordingOrder(Guid.NewGuid(), Guid.NewGuid(), whole, false, utterances, DateTimeOffset.UtcNow));
        _startedAt = Stopwatch.GetTimestamp();
        _meeting = meeting;
        _recorder = Recorder(engine, meeting);
        return "ok";
    }

    /// <summary>"stoprec": stops the recording, waits until every file is sealed; the figures as one line.</summary>
    public async Task<string> StopAsync(MediaEngine engine)
    {
        var refused = _recorder?.GetType().GetProperty("Refused")?.GetValue(_recorder) ?? -1L;
        var busy = (TimeSpan?)_recorder?.GetType().GetProperty("BusyTime")?.GetValue(_recorder) ?? TimeSpan.Zero;
        var stop = Stopwatch.GetTimestamp();
        var recorded = Stopwatch.GetElapsedTime(_startedAt, stop).TotalSeconds;
        await engine.StopRecordingAsync(_meeting);
        var returned = Stopwatch.GetTimestamp();
        var sealedAt = WaitSealed();
        double Ms(long t) => t == 0 ? double.NaN : Stopwatch.GetElapsedTime(stop, t).TotalMilliseconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"recorded_s={recorded:F1} parts={Parts} part_bytes={PartBytes} utterances={Utterances} utterance_bytes={UtteranceBytes} utterance_s={UtteranceSeconds:F1} " +
            $"sealed_files={Sealed} sealed_bytes={SealedBytes} refused={refused} recorder_busy_s={busy.TotalSeconds:F2} " +
            $"stop_returned_ms={Ms(returned):F1} stop_to_last_part_ms={Ms(Volatile.Read(ref LastPartHandedAt)):F1} stop_to_all_sealed_ms={Ms(sealedAt):F1}");
    }

    /// <summary>CPU seconds (utime + stime) of this process's threads whose name starts with one of the prefixes.</summary>
    public static double ThreadCpu(params string[] prefixes)
    {
        var total = 0.0;
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                if (!prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
                {
                    continue;
                }
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                total += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
            }
            catch (IOException)
            {
                // the thread ended
            }
        }
        return total;
    }

    // The engine keeps its meetings private; a benchmark may look (reflection).
    private static object? Recorder(MediaEngine engine, Guid meeting)
    {
        const System.Reflection.BindingFlags Any = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public;
        var meetings = (System.Collections.IDictionary)typeof(MediaEngine).GetField("_meetings", Any)!.GetValue(engine)!;
        var media = meetings[meeting];
        return media?.GetType().GetProperty("Recorder", Any)?.GetValue(media);
    }

    public void Dispose()
    {
        _jobs.CompleteAdding();
        _thread.Join();
    }
}

sealed class NullSink : IMediaEventSink
{
    public void Publish(MediaEvent mediaEvent)
    {
    }
}

sealed class Collect : IRtpPayloadSink
{
    public List<(byte[] Payload, bool Marker)> Packets { get; } = [];

    public void OnPayload(ReadOnlySpan<byte> payload, bool marker) => Packets.Add((payload.ToArray(), marker));
}

/// <summary>A viewer leg: receives the worker's composite on its video socket, depacketizes and decodes
/// every frame, counts them, and notes when tile 0 (sender 0) turns white.</summary>
sealed class Viewer : IDisposable
{
    private readonly H264Depacketizer _depacketizer = new();
    private readonly VideoDecoder _decoder = new(VideoCodec.H264);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(long FirstPacket, long Decoded)> _onsets = new();
    private uint _frameTimestamp;
    private long _frameFirstPacket;
    private readonly TileRect _tile;
    private Task _receiving = Task.CompletedTask;
    private volatile bool _measuring;
    private bool _white;

    public Viewer(string name, int width, int height, string bandwidth)
    {
        Name = name;
        Bandwidth = bandwidth;
        _tile = TileRect.FromLayout(LayoutCatalogue.Get("grid-10x10").Tiles[0], width, height);
        foreach (var socket in new[] { Audio, Video })
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            socket.ReceiveBufferSize = 1 << 22;
        }
    }

    public string Name { get; }
    public string Bandwidth { get; }
    public Socket Audio { get; } = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    public Socket Video { get; } = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    public RtpReceiverStats Stats { get; } = new(90000);
    public long FramesMeasured { get; private set; }
    public long BytesMeasured { get; private set; }
    public long KeyFrames { get; private set; }
    public long DecodeErrors { get; private set; }
    public int LastWidth { get; private set; }
    public int LastHeight { get; private set; }

    public void Start() => _receiving = Task.Run(ReceiveAsync);

    public void StartMeasuring() => _measuring = true;

    public void StopMeasuring() => _measuring = false;

    /// <summary>For each white onset seen while measuring: the time since the latest flash's first frame
    /// (every 15th frame of sender 0) left the generator before it.</summary>
    public List<double> Latencies(long[] flashSentAt, bool firstPacket = false)
    {
        var result = new List<double>();
        foreach (var onset in _onsets)
        {
            var seen = firstPacket ? onset.FirstPacket : onset.Decoded;
            var sent = 0L;
            for (var k = 0; k < flashSentAt.Length; k += 15)
            {
                var t = Volatile.Read(ref flashSentAt[k]);
                if (t != 0 && t <= seen)
                {
                    sent = t;
                }
            }
            if (sent != 0)
            {
                result.Add(Stopwatch.GetElapsedTime(sent, seen).TotalMilliseconds);
            }
        }
        return result;
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await Video.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            var now = Stopwatch.GetTimestamp();
            var packet = buffer.AsSpan(0, received);
            if (RtpDemux.Classify(packet) != PacketKind.Rtp || !RtpHeader.TryParse(packet, out var header) || header.PayloadType != 100)
            {
                continue;
            }
            if (header.Timestamp != _frameTimestamp || _frameFirstPacket == 0)
            {
                _frameTimestamp = header.Timestamp;
                _frameFirstPacket = now;
            }
            if (_measuring)
            {
                Stats.Update(header.Ssrc, header.SequenceNumber, header.Timestamp, (long)(now * (90000.0 / Stopwatch.Frequency)));
                BytesMeasured += received;
            }
            if (_depacketizer.Push(header.Payload(packet), header.SequenceNumber, header.Timestamp, header.Marker) != DepacketizeResult.FrameReady)
            {
                continue;
            }
            var key = _depacketizer.FrameIsKeyFrame;
            if (!_decoder.Decode(_depacketizer.Frame, out var view))
            {
                DecodeErrors++;
                continue;
            }
            LastWidth = view.Width;
            LastHeight = view.Height;
            // Mean luma of the middle half of tile 0.
            long sum = 0;
            var count = 0;
            for (var y = _tile.Y + (_tile.Height / 4); y < _tile.Y + (_tile.Height * 3 / 4); y++)
            {
                var row = view.Y.Slice((y * view.StrideY) + _tile.X + (_tile.Width / 4), _tile.Width / 2);
                foreach (var b in row)
                {
                    sum += b;
                }
                count += row.Length;
            }
            var luma = count == 0 ? 0 : sum / count;
            if (!_white && luma > 200)
            {
                _white = true;
                if (_measuring)
                {
                    _onsets.Enqueue((_frameFirstPacket, Stopwatch.GetTimestamp()));
                }
            }
            else if (_white && luma < 170)
            {
                _white = false;
            }
            if (_measuring)
            {
                FramesMeasured++;
                KeyFrames += key ? 1 : 0;
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        Audio.Dispose();
        Video.Dispose();
        _receiving.Wait(TimeSpan.FromSeconds(2));
        _decoder.Dispose();
    }
}
