#:project ../../../media-workers/Sparkle.MediaWorker/Sparkle.MediaWorker.csproj
#:property Configuration=Release
#:property PublishAot=false
// Media worker audio benchmark: N participants of one meeting on loopback, each a real UDP RTP
// endpoint. A few talk (200 ms tone bursts, staggered), the rest send silence; the worker (a child
// process running the real MediaEngine: sockets, jitter buffers, codecs, active-speaker mixing) sends
// each one its mix. Measured: worker CPU as % of one core, added latency from a talker's burst onset
// to its arrival in listeners' mixes (p50/p99), loss and jitter at the receivers.
// BENCH_RECORD=whole|utterances|both: the meeting is recorded from the start (MediaEngine.StartRecordingAsync;
// files sealed to a local folder by BenchRecordingStore below), stopped after the measured window; the
// recorder's and the sealing thread's CPU, bytes stored per minute and stop-to-sealed time are printed.
// BENCH_BURSTS=1 (the default when utterances are recorded): every other leg talks too, in quiet 1.5 s bursts
// every 10 s (staggered by 100 ms, so ~15 legs voiced at once; -45 dBov for G.711, -29 for Opus: see
// burstAmplitude), so every leg gives utterances.
// Usage: dotnet run -c Release --file bench.cs -- load <pcmu|opus> [legs=100] [seconds=60] [talkers=3] [ffmpeg-cpu-s] [csv]
//        (the "worker" mode is this program's child; -c Release matters: #:property alone leaves the
//        referenced projects unoptimized)
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Recordings;
using Sparkle.Media.Recording;
using Sparkle.Media.Codecs;
using Sparkle.Media.Rtp;
using Sparkle.Media.Sdp;
using Sparkle.Media.Srtp;
using Sparkle.MediaWorker;
using Sparkle.MediaWorker.Engine;

var inv = CultureInfo.InvariantCulture;
if (args.Length > 0 && args[0] == "worker")
{
    await RunWorker(int.Parse(args[1], inv), int.Parse(args[2], inv));
    return;
}
if (args.Length > 2 && args[0] == "plot")
{
    Plot(args[1], args[2]);
    return;
}

var codec = args.Length > 1 && args[1] == "opus" ? AudioCodec.Opus : AudioCodec.Pcmu;
var legs = args.Length > 2 ? int.Parse(args[2], inv) : 100;
var seconds = args.Length > 3 ? int.Parse(args[3], inv) : 60;
var talkers = args.Length > 4 ? int.Parse(args[4], inv) : 3;
var ffmpegCpu = args.Length > 5 ? double.Parse(args[5], inv) : 0;
var csv = args.Length > 6 ? args[6] : null;
// BENCH_SRTP=1: every leg offers RTP/SAVP with SDES, as the product's policy wants in production.
var srtp = Environment.GetEnvironmentVariable("BENCH_SRTP") == "1";
var record = Environment.GetEnvironmentVariable("BENCH_RECORD") is { Length: > 0 } r && r != "off" ? r : null;
if (record is not null and not ("whole" or "utterances" or "both"))
{
    throw new ArgumentException("BENCH_RECORD is whole, utterances, both or off");
}
var bursts = Environment.GetEnvironmentVariable("BENCH_BURSTS") is { Length: > 0 } b ? b == "1" : record is "utterances" or "both";

// --- the worker process ---------------------------------------------------------------------------
var workerStart = new ProcessStartInfo(Environment.ProcessPath!, ["worker", "36000", "36999"])
{
    RedirectStandardInput = true,
    RedirectStandardOutput = true,
    UseShellExecute = false,
};
// As the worker's Program.cs does: socket completions run on the epoll thread (our handlers never block).
workerStart.Environment["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] =
    Environment.GetEnvironmentVariable("BENCH_INLINE") == "0" ? "0" : "1";
var worker = Process.Start(workerStart)!;
string Ask(string line)
{
    worker.StandardInput.WriteLine(line);
    return worker.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the worker exited");
}

// --- load generator: pre-encoded frames, one UDP socket per participant ---------------------------
const int CycleFrames = 50;      // one second
const int BurstFrames = 10;      // 200 ms tone
var rate = codec.SampleRate();
var frameSamples = rate / 50;
var rtpTicks = (uint)(codec.RtpClockRate() / 50);
var payloadType = (byte)(codec == AudioCodec.Opus ? 111 : 0);
byte[][] Encode(Func<int, short[]> frames)
{
    using var encoder = codec.CreateEncoder();
    var result = new byte[CycleFrames][];
    var buffer = new byte[1500];
    for (var f = 0; f < CycleFrames; f++)
    {
        var n = encoder.Encode(frames(f), buffer);
        result[f] = buffer.AsSpan(0, n).ToArray();
    }
    return result;
}
short[] Tone(int frame, double hz, int offset)
{
    var pcm = new short[frameSamples];
    var inBurst = (frame - offset + CycleFrames) % CycleFrames < BurstFrames;
    for (var i = 0; inBurst && i < frameSamples; i++)
    {
        pcm[i] = (short)(8000 * Math.Sin(2 * Math.PI * hz * (frame * frameSamples + i) / rate));
    }
    return pcm;
}
var offsets = Enumerable.Range(0, talkers).Select(t => t * (CycleFrames / Math.Max(1, talkers))).ToArray();
var talkFrames = Enumerable.Range(0, talkers).Select(t => Encode(f => Tone(f, 400 + 150 * t, offsets[t]))).ToArray();
var silentFrames = Encode(_ => new short[frameSamples]);
// BENCH_BURSTS: the other legs' quiet bursts, 1.5 s every 10 s; four tones, leg i starts at i x 100 ms.
const int BurstCycle = 500, BurstLength = 75, BurstStagger = 5;
// G.711: -45 dBov, voice to the mixer's and the segmenter's detectors (floor -50) yet below the listeners'
// quiet threshold. Opus: the sender's VAD marks such a quiet tone as non-speech and the worker does not
// decode those packets (so no utterances at all); -29 dBov is marked speech.
var burstAmplitude = codec == AudioCodec.Opus ? 1500 : 250;
byte[][] EncodeBursts(double hz)
{
    using var encoder = codec.CreateEncoder();
    var result = new byte[BurstCycle][];
    var buffer = new byte[1500];
    var pcm = new short[frameSamples];
    for (var f = 0; f < BurstCycle; f++)
    {
        for (var i = 0; i < frameSamples; i++)
        {
            pcm[i] = f < BurstLength ? (short)(burstAmplitude * Math.Sin(2 * Math.PI * hz * (f * frameSamples + i) / rate)) : (short)0;
        }
        var n = encoder.Encode(pcm, buffer);
        result[f] = buffer.AsSpan(0, n).ToArray();
    }
    return result;
}
var burstFrames = bursts ? new[] { 230.0, 290, 350, 410 }.Select(EncodeBursts).ToArray() : [];

var meeting = Guid.NewGuid();
var sockets = new Socket[legs];
var remotes = new IPEndPoint[legs];
var protectors = new SrtpContext?[legs];
var unprotectors = new SrtpContext?[legs];
for (var i = 0; i < legs; i++)
{
    sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    sockets[i].Bind(new IPEndPoint(IPAddress.Loopback, 0));
    sockets[i].ReceiveBufferSize = 1 << 20;
    var port = ((IPEndPoint)sockets[i].LocalEndPoint!).Port;
    var profile = srtp ? "RTP/SAVP" : "RTP/AVP";
    var ourKey = SdesCrypto.NewKeyMaterial();
    var sdp = $"v=0\r\no=load {i} 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
        (codec == AudioCodec.Opus
            ? $"m=audio {port} {profile} 111\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 useinbandfec=1\r\n"
            : $"m=audio {port} {profile} 0\r\na=rtpmap:0 PCMU/8000\r\n") +
        (srtp ? $"a=crypto:{SdesCrypto.Format(1, SrtpSuite.AesCm128HmacSha1_80, ourKey)}\r\n" : "");
    var reply = Ask($"alloc {meeting} p{i} {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(sdp))}");
    if (!reply.StartsWith("ok ", StringComparison.Ordinal))
    {
        throw new InvalidOperationException(reply);
    }
    var answer = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(reply[3..]));
    var mLine = answer.Split("\r\n").First(l => l.StartsWith("m=audio", StringComparison.Ordinal));
    if (srtp)
    {
        var line = answer.Split("\r\n").First(l => l.StartsWith("a=crypto:", StringComparison.Ordinal));
        SdesCrypto.TryParse(line["a=crypto:".Length..], out var theirs);
        protectors[i] = SrtpContext.FromKeyMaterial(SrtpSuite.AesCm128HmacSha1_80, ourKey);
        unprotectors[i] = SrtpContext.FromKeyMaterial(SrtpSuite.AesCm128HmacSha1_80, theirs.KeyMaterial);
    }
    remotes[i] = new IPEndPoint(IPAddress.Loopback, int.Parse(mLine.Split(' ')[1], inv));
}
Console.WriteLine($"{legs} legs allocated ({codec}{(srtp ? ", SRTP" : "")}), {talkers} talkers{(bursts ? $" + {legs - talkers} in quiet bursts" : "")}, {seconds} s{(record is null ? "" : $", recording: {record}")}");
if (record is not null)
{
    var started = Ask($"record {meeting} {record}");
    if (started != "ok")
    {
        throw new InvalidOperationException(started);
    }
}

const int WarmupFrames = 150; // 3 s for the JIT and the jitter buffers to settle, not measured
var totalFrames = WarmupFrames + seconds * 50;
var measuring = false;
var sentAt = new long[totalFrames + CycleFrames];
var stop = new CancellationTokenSource();
var listenersMeasured = codec == AudioCodec.Opus ? Math.Min(10, legs - talkers) : legs - talkers;
var latencies = new ConcurrentBag<double>();
// A listener's mix is quiet below quietRms and a loud talker's onset above onsetRms; with the other legs'
// Opus bursts (up to 3 mixed at rms 1,060 each, 1,840 together) both thresholds sit higher.
var (quietRms, onsetRms) = bursts && codec == AudioCodec.Opus ? (2000.0, 4000.0) : (500.0, 2000.0);
var stats = new RtpReceiverStats[legs];
var received = new long[legs];
var receiveTasks = new List<Task>();
for (var i = 0; i < legs; i++)
{
    stats[i] = new RtpReceiverStats(codec.RtpClockRate());
    var index = i;
    var measure = i >= talkers && i < talkers + listenersMeasured;
    receiveTasks.Add(Task.Run(() => Receive(index, measure)));
}

async Task Receive(int index, bool measure)
{
    var socket = sockets[index];
    var buffer = new byte[1500];
    var pcm = new short[5760];
    using var decoder = measure ? codec.CreateDecoder() : null;
    var quiet = true;
    while (!stop.IsCancellationRequested)
    {
        int n;
        try
        {
            n = await socket.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
        }
        catch (Exception)
        {
            return;
        }
        var now = Stopwatch.GetTimestamp();
        // Ephemeral ports are often consecutive: another leg's RTCP (sent to its port + 1) may land here.
        if (RtpDemux.Classify(buffer.AsSpan(0, n)) != PacketKind.Rtp)
        {
            continue;
        }
        if (unprotectors[index] is { } context && context.UnprotectRtp(buffer.AsSpan(0, n), out n) != SrtpStatus.Ok)
        {
            continue;
        }
        if (!RtpHeader.TryParse(buffer.AsSpan(0, n), out var header))
        {
            continue;
        }
        received[index]++;
        stats[index].Update(header.Ssrc, header.SequenceNumber, header.Timestamp,
            (long)(now * (double)codec.RtpClockRate() / Stopwatch.Frequency));
        if (decoder is null)
        {
            continue;
        }
        var samples = decoder.Decode(header.Payload(buffer.AsSpan(0, n)), pcm);
        if (samples <= 0)
        {
            continue;
        }
        double sum = 0;
        for (var s = 0; s < samples; s++)
        {
            sum += pcm[s] * (double)pcm[s];
        }
        var rms = Math.Sqrt(sum / samples);
        if (quiet && rms > onsetRms)
        {
            // The onset of a burst: match it with the last burst start that was sent before now.
            var latest = -1L;
            for (var f = 0; f < sentAt.Length; f++)
            {
                var t = Volatile.Read(ref sentAt[f]);
                if (t != 0 && t <= now && offsets.Any(o => (f - o + CycleFrames) % CycleFrames == 0))
                {
                    latest = Math.Max(latest, t);
                }
            }
            var ms = Stopwatch.GetElapsedTime(latest, now).TotalMilliseconds;
            if (latest > 0 && ms < 500 && Volatile.Read(ref measuring))
            {
                latencies.Add(ms);
            }
        }
        quiet = rms < quietRms;
    }
}

// Sender: every 20 ms on an absolute schedule, one packet per participant.
var cpuBefore = 0.0;
var recorderCpuBefore = Array.Empty<double>();
var wall = new Stopwatch();
var packet = new byte[1500];
var ssrcBase = 0x1000u;
var schedule = Stopwatch.GetTimestamp();
var period = Stopwatch.Frequency / 50;
for (var frame = 0; frame < totalFrames; frame++)
{
    var due = schedule + frame * period;
    while (Stopwatch.GetTimestamp() < due - Stopwatch.Frequency / 500)
    {
        Thread.Sleep(1);
    }
    while (Stopwatch.GetTimestamp() < due)
    {
        Thread.SpinWait(20);
    }
    if (frame == WarmupFrames)
    {
        recorderCpuBefore = RecorderCpu();
        cpuBefore = ProcessCpuSeconds(worker.Id);
        wall.Start();
        Volatile.Write(ref measuring, true);
    }
    Volatile.Write(ref sentAt[frame], Stopwatch.GetTimestamp());
    for (var i = 0; i < legs; i++)
    {
        var payload = i < talkers ? talkFrames[i][frame % CycleFrames]
            : bursts ? burstFrames[i % burstFrames.Length][(frame + BurstCycle * 1000 - i * BurstStagger) % BurstCycle]
            : silentFrames[frame % CycleFrames];
        var header = RtpHeader.Write(packet, frame == 0, payloadType, (ushort)frame, (uint)frame * rtpTicks, ssrcBase + (uint)i);
        payload.CopyTo(packet, header);
        var length = header + payload.Length;
        protectors[i]?.ProtectRtp(packet, length, out length);
        sockets[i].SendTo(packet, 0, length, SocketFlags.None, remotes[i]);
    }
}
var mediaSeconds = wall.Elapsed.TotalSeconds;
var cpuWorker = ProcessCpuSeconds(worker.Id) - cpuBefore;
var recorderCpu = RecorderCpu().Zip(recorderCpuBefore, (after, before) => after - before).ToArray();
var workerStats = Ask("stats");
// Stop while the mixer still runs (the generator has stopped sending): stop -> every file sealed.
var recording = record is null ? null : Ask("stoprec");
var load = File.ReadAllText("/proc/loadavg").Split(' ');
double[] RecorderCpu() => record is null ? [0, 0] : Ask("rcpu").Split(' ').Select(x => double.Parse(x, inv)).ToArray();
await Task.Delay(300);
stop.Cancel();
foreach (var socket in sockets)
{
    socket.Dispose();
}
await Task.WhenAll(receiveTasks);
Ask("quit");
worker.WaitForExit(5000);

// --- results -----------------------------------------------------------------------------------------
var sorted = latencies.OrderBy(x => x).ToArray();
double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
var expected = stats.Sum(s => s.Expected);
var lost = stats.Sum(s => s.CumulativeLost);
var jitters = stats.Select(s => s.JitterMilliseconds).OrderBy(x => x).ToArray();
var cpuPercent = cpuWorker / mediaSeconds * 100;
Console.WriteLine($"worker_cpu_percent_of_one_core={cpuPercent:F1} ({cpuWorker:F2} s CPU over {mediaSeconds:F1} s)");
Console.WriteLine($"worker {workerStats}");
Console.WriteLine($"load_average {load[0]} {load[1]} {load[2]} (2 cores shared with other work)");
double Field(string line, string name) =>
    double.Parse(line.Split(' ').First(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..], inv);
double wholePerMinute = 0, utterancesPerMinute = 0, stopToSealed = double.NaN;
if (recording is not null)
{
    var recorded = Field(recording, "recorded_s");
    wholePerMinute = Field(recording, "part_bytes") / recorded * 60;
    utterancesPerMinute = Field(recording, "utterance_bytes") / recorded * 60;
    stopToSealed = Field(recording, "stop_to_all_sealed_ms");
    Console.WriteLine($"recording ({record}) {recording}");
    Console.WriteLine($"  recorder_thread_cpu_percent={recorderCpu[0] / mediaSeconds * 100:F2} sealing_thread_cpu_percent={recorderCpu[1] / mediaSeconds * 100:F2} (of one core, measured window; both are in worker_cpu_percent)");
    Console.WriteLine($"  stored_per_minute: whole_meeting={wholePerMinute / 1e6:F3} MB utterances={utterancesPerMinute / 1e6:F3} MB ({Field(recording, "utterances") / recorded * 60:F0} utterances/min); stop_to_all_sealed_ms={stopToSealed:F1}");
}
Console.WriteLine($"added_latency_ms p50={Percentile(0.5):F1} p99={Percentile(0.99):F1} max={(sorted.Length > 0 ? sorted[^1] : double.NaN):F1} onsets={sorted.Length}");
Console.WriteLine($"receivers: packets={received.Sum()} expected={expected} lost={lost} ({(expected == 0 ? 0 : 100.0 * lost / expected):F3}%) jitter_ms median={jitters[jitters.Length / 2]:F2} max={jitters[^1]:F2}");
var ratio = double.NaN;
if (ffmpegCpu > 0)
{
    ratio = ffmpegCpu / cpuWorker * (mediaSeconds / seconds);
    Console.WriteLine($"ffmpeg_amix_cpu_s={ffmpegCpu:F2} for {seconds} s of {legs} inputs; ratio_ffmpeg_over_sparkle={ratio:F2}");
}
if (csv is not null)
{
    if (!File.Exists(csv))
    {
        File.WriteAllText(csv, "codec,legs,talkers,seconds,cpu_percent,latency_p50_ms,latency_p99_ms,loss_percent,jitter_median_ms,jitter_max_ms,ffmpeg_cpu_s,ratio,record,bursts,recorder_cpu_percent,sealing_cpu_percent,whole_bytes_per_min,utterance_bytes_per_min,stop_to_sealed_ms,load_average\n");
    }
    File.AppendAllText(csv, string.Create(inv,
        $"{codec}{(srtp ? "+SRTP" : "")},{legs},{talkers},{seconds},{cpuPercent:F2},{Percentile(0.5):F2},{Percentile(0.99):F2},{(expected == 0 ? 0 : 100.0 * lost / expected):F4},{jitters[jitters.Length / 2]:F3},{jitters[^1]:F3},{ffmpegCpu:F2},{ratio:F2},{record ?? "off"},{(bursts ? 1 : 0)},{recorderCpu[0] / mediaSeconds * 100:F2},{recorderCpu[1] / mediaSeconds * 100:F2},{wholePerMinute:F0},{utterancesPerMinute:F0},{stopToSealed:F1},{load[0]}\n"));
}

// utime + stime of a process, from /proc (clock ticks of 1/100 s on Linux).
static double ProcessCpuSeconds(int pid)
{
    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
}

// The worker: the real engine, driven over stdin/stdout (no cluster needed).
static async Task RunWorker(int portMin, int portMax)
{
    var sink = new CountingSink();
    var spool = Path.Combine(Path.GetTempPath(), $"sparkle-media-bench-{Environment.ProcessId}");
    using var store = new BenchRecordingStore(Path.Combine(spool, "sealed"));
    await using var engine = new MediaEngine(Options.Create(new MediaWorkerOptions
    {
        WorkerId = "bench",
        RtpPortMin = portMin,
        RtpPortMax = portMax,
        CapacityLegs = 2000,
        SilentAfterSeconds = 3600,
        Recording = new RecordingWorkerOptions { SpoolFolder = spool },
    }), sink, new StderrWarnings(), store);
    using var housekeeping = new Timer(_ => engine.Housekeeping(), null, 500, 500);
    string? line;
    while ((line = Console.ReadLine()) is not null)
    {
        var parts = line.Split(' ');
        switch (parts[0])
        {
            case "alloc":
                var sdp = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(parts[3]));
                var allocation = await engine.AllocateLegAsync(new LegRequest(Guid.Parse(parts[1]), parts[2], sdp, false, null));
                Console.WriteLine(allocation.Ok
                    ? "ok " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(allocation.LocalSdp!))
                    : "err " + allocation.Error);
                break;
            case "stats":
                var legs = engine.Snapshot();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"mixer_thread_cpu_s={engine.MixerBusyTime.TotalSeconds:F2} opus_decodes_skipped={engine.DecodesSkipped} rtp_in={legs.Sum(l => l.Transport.Counters.RtpReceived)} rtp_out={legs.Sum(l => l.Transport.Counters.RtpSent)} garbage={legs.Sum(l => l.Transport.Counters.Garbage)} errors={legs.Sum(l => l.Transport.Counters.Errors)} speaker_events={sink.Count} {legs.Select(l => l.Transport.LastError?.ToString().Replace('\n', ' ')).FirstOrDefault(e => e is not null)}"));
                break;
            case "record":
                Console.WriteLine(await store.StartAsync(engine, Guid.Parse(parts[1]), parts[2]));
                break;
            case "rcpu":
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{BenchRecordingStore.ThreadCpu("recorder-")} {BenchRecordingStore.ThreadCpu("bench-seal")}"));
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

// Two panels from the CSV: worker CPU (% of one core) against ffmpeg amix and the targets, and added
// latency p50/p99 against the 60 ms target.
static void Plot(string csvPath, string pngPath)
{
    var rows = File.ReadAllLines(csvPath).Skip(1).Select(l => l.Split(',')).ToList();
    double D(string[] r, int i) => double.Parse(r[i], CultureInfo.InvariantCulture);
    var chart = new Chart(1100, 150 + rows.Count * 190);
    var black = ((byte)20, (byte)20, (byte)20);
    var orange = ((byte)230, (byte)120, (byte)30);
    var grey = ((byte)140, (byte)140, (byte)150);
    var blue = ((byte)40, (byte)110, (byte)200);
    var red = ((byte)200, (byte)0, (byte)0);
    chart.Text($"SPARKLE MEDIA WORKER: ONE MEETING, {rows[0][1]} LEGS ON LOOPBACK, {rows[0][3]} S, {rows[0][2]} TALKERS", 10, 10, 2, black);
    const int Left = 260, Scale = 8; // 8 px per % of a core, per ms
    var y = 50;
    foreach (var r in rows)
    {
        var codec = r[0].ToUpperInvariant().Replace("PCMU", "G.711", StringComparison.Ordinal);
        var target = codec.StartsWith("G.711", StringComparison.Ordinal) ? 5 : 20;
        var seconds = D(r, 3);
        var ffmpegPercent = D(r, 10) / seconds * 100;
        chart.Text($"{codec}  LOSS {D(r, 7):F2}%  JITTER {D(r, 8):F2} MS  RATIO FFMPEG/SPARKLE {D(r, 11):F2}", 10, y, 2, black);
        y += 26;
        void Bar(string label, double value, string unit, (byte, byte, byte) colour)
        {
            chart.Text(label, 10, y + 6, 2, black);
            var length = (int)Math.Min(value * Scale, chart.Width - Left - 150);
            chart.Rect(Left, y, Math.Max(2, length), 24, colour);
            chart.Text($"{value:F1} {unit}", Left + length + 8, y + 6, 2, black);
            y += 32;
        }
        var top = y;
        Bar("WORKER CPU", D(r, 4), "% CORE", orange);
        Bar("FFMPEG AMIX", ffmpegPercent, "% CORE", grey);
        chart.Rect(Left + target * Scale, top - 4, 2, 64, red);
        chart.Text($"AIM {target}%", Left + target * Scale + 6, top - 14, 1, red);
        top = y;
        Bar("LATENCY P50", D(r, 5), "MS", blue);
        Bar("LATENCY P99", D(r, 6), "MS", blue);
        chart.Rect(Left + 60 * Scale, top - 4, 2, 64, red);
        chart.Text("AIM 60 MS", Left + 60 * Scale + 6, top - 14, 1, red);
        y += 12;
    }
    chart.Save(pngPath);
    Console.WriteLine($"chart: {pngPath}");
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

/// <summary>The engine's warnings (the recorder's "queue grown", "frames lost") on stderr, with the time since start.</summary>
sealed class StderrWarnings : Microsoft.Extensions.Logging.ILogger<MediaEngine>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Console.Error.WriteLine($"worker {_clock.Elapsed.TotalSeconds:F2} s: {formatter(state, exception)}");
        }
    }
}

sealed class CountingSink : IMediaEventSink
{
    public int Count;
    public void Publish(MediaEvent mediaEvent) => Interlocked.Increment(ref Count);
}

// A tiny bar-chart renderer that writes PNG (no plotting packages are installed here): RGB canvas,
// filled rectangles, a 5x7 pixel font scaled up, zlib via System.IO.Compression.

sealed class Chart(int width, int height)
{
    private readonly byte[] _pixels = CreateCanvas(width, height);

    public int Width => width;
    public int Height => height;

    private static byte[] CreateCanvas(int w, int h)
    {
        var pixels = new byte[w * h * 3];
        Array.Fill(pixels, (byte)250);
        return pixels;
    }

    public void Rect(int x, int y, int w, int h, (byte R, byte G, byte B) c)
    {
        for (var yy = Math.Max(0, y); yy < Math.Min(height, y + h); yy++)
        {
            for (var xx = Math.Max(0, x); xx < Math.Min(width, x + w); xx++)
            {
                var i = (yy * width + xx) * 3;
                _pixels[i] = c.R;
                _pixels[i + 1] = c.G;
                _pixels[i + 2] = c.B;
            }
        }
    }

    public void Text(string text, int x, int y, int scale, (byte R, byte G, byte B) c)
    {
        foreach (var ch in text.ToUpperInvariant())
        {
            if (Font.TryGetValue(ch, out var rows))
            {
                for (var r = 0; r < 7; r++)
                {
                    for (var b = 0; b < 5; b++)
                    {
                        if ((rows[r] & (1 << (4 - b))) != 0)
                        {
                            Rect(x + b * scale, y + r * scale, scale, scale, c);
                        }
                    }
                }
            }
            x += 6 * scale;
        }
    }

    public void Save(string path)
    {
        using var file = File.Create(path);
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        Chunk(file, "IHDR", header);
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                z.WriteByte(0); // filter: none
                z.Write(_pixels, y * width * 3, width * 3);
            }
        }
        Chunk(file, "IDAT", raw.ToArray());
        Chunk(file, "IEND", []);
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var buffer = new byte[8 + data.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(buffer, data.Length);
        for (var i = 0; i < 4; i++)
        {
            buffer[4 + i] = (byte)type[i];
        }
        data.CopyTo(buffer, 8);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(8 + data.Length), Crc32(buffer.AsSpan(4, 4 + data.Length)));
        s.Write(buffer);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }
        return ~crc;
    }

    private static readonly Dictionary<char, byte[]> Font = new()
    {
        ['0'] = [14, 17, 19, 21, 25, 17, 14], ['1'] = [4, 12, 4, 4, 4, 4, 14], ['2'] = [14, 17, 1, 2, 4, 8, 31],
        ['3'] = [31, 2, 4, 2, 1, 17, 14], ['4'] = [2, 6, 10, 18, 31, 2, 2], ['5'] = [31, 16, 30, 1, 1, 17, 14],
        ['6'] = [6, 8, 16, 30, 17, 17, 14], ['7'] = [31, 1, 2, 4, 8, 8, 8], ['8'] = [14, 17, 17, 14, 17, 17, 14],
        ['9'] = [14, 17, 17, 15, 1, 2, 12], ['A'] = [14, 17, 17, 31, 17, 17, 17], ['B'] = [30, 17, 17, 30, 17, 17, 30],
        ['C'] = [14, 17, 16, 16, 16, 17, 14], ['D'] = [28, 18, 17, 17, 17, 18, 28], ['E'] = [31, 16, 16, 30, 16, 16, 31],
        ['F'] = [31, 16, 16, 30, 16, 16, 16], ['G'] = [14, 17, 16, 23, 17, 17, 15], ['H'] = [17, 17, 17, 31, 17, 17, 17],
        ['I'] = [14, 4, 4, 4, 4, 4, 14], ['J'] = [7, 2, 2, 2, 2, 18, 12], ['K'] = [17, 18, 20, 24, 20, 18, 17],
        ['L'] = [16, 16, 16, 16, 16, 16, 31], ['M'] = [17, 27, 21, 21, 17, 17, 17], ['N'] = [17, 17, 25, 21, 19, 17, 17],
        ['O'] = [14, 17, 17, 17, 17, 17, 14], ['P'] = [30, 17, 17, 30, 16, 16, 16], ['Q'] = [14, 17, 17, 17, 21, 18, 13],
        ['R'] = [30, 17, 17, 30, 20, 18, 17], ['S'] = [15, 16, 16, 14, 1, 1, 30], ['T'] = [31, 4, 4, 4, 4, 4, 4],
        ['U'] = [17, 17, 17, 17, 17, 17, 14], ['V'] = [17, 17, 17, 17, 17, 10, 4], ['W'] = [17, 17, 17, 21, 21, 21, 10],
        ['X'] = [17, 17, 10, 4, 10, 17, 17], ['Y'] = [17, 17, 10, 4, 4, 4, 4], ['Z'] = [31, 1, 2, 4, 8, 16, 31],
        ['.'] = [0, 0, 0, 0, 0, 12, 12], ['%'] = [24, 25, 2, 4, 8, 19, 3], ['/'] = [0, 1, 2, 4, 8, 16, 0],
        ['-'] = [0, 0, 0, 31, 0, 0, 0], [':'] = [0, 12, 12, 0, 12, 12, 0], ['('] = [2, 4, 8, 8, 8, 4, 2],
        [')'] = [8, 4, 2, 2, 2, 4, 8], ['='] = [0, 0, 31, 0, 31, 0, 0], [','] = [0, 0, 0, 0, 12, 4, 8],
        ['<'] = [2, 4, 8, 16, 8, 4, 2], ['>'] = [8, 4, 2, 1, 2, 4, 8], ['+'] = [0, 4, 4, 31, 4, 4, 0],
    };
}
