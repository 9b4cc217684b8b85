#:project ../../../media-workers/Sparkle.MediaWorker/Sparkle.MediaWorker.csproj
#:property Configuration=Release
#:property PublishAot=false
// Cascade trunk benchmark (issue 13). Media workers are MediaEngine instances in THIS process (one mixer thread each,
// the process's one audio receive thread shared), linked by real trunks over loopback (SRTP, Opus) exactly as the
// meeting grain links them; the phones are real UDP G.711 endpoints driven from this process too.
//   latency: 3 workers in a star (home, spoke1, spoke2). One talker on spoke1 sends a 200 ms tone burst once a second;
//            listeners on spoke1 (same worker), home (one trunk) and spoke2 (two trunks, through home) time the
//            burst's onset sample from the talker's send to their receive: p50/p99 per path.
//   cpu:     one meeting of N phones (3 talking in staggered bursts) on 1, 2 and 3 workers (split evenly, talkers
//            spread): process CPU and the mixer threads' busy time, per second of meeting.
// Usage: dotnet run -c Release --file bench.cs -- latency [seconds=30]
//        dotnet run -c Release --file bench.cs -- cpu [phones=100] [seconds=20]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.Media.Codecs;
using Sparkle.Media.Rtp;
using Sparkle.MediaWorker;
using Sparkle.MediaWorker.Engine;

var mode = args.Length > 0 ? args[0] : "latency";
var inv = CultureInfo.InvariantCulture;
if (mode == "latency")
{
    var seconds = args.Length > 1 ? int.Parse(args[1], inv) : 30;
    await Latency(seconds);
}
else
{
    var phones = args.Length > 1 ? int.Parse(args[1], inv) : 100;
    var seconds = args.Length > 2 ? int.Parse(args[2], inv) : 20;
    foreach (var workers in new[] { 1, 2, 3 })
    {
        await Cpu(phones, workers, seconds);
    }
}

async Task Latency(int seconds)
{
    var meeting = Guid.NewGuid();
    await using var cluster = new Cluster(meeting, ["home", "spoke1", "spoke2"]);
    var talker = await cluster.Join("spoke1", "talker");
    var listeners = new (string Path, Phone Phone)[]
    {
        ("same worker", await cluster.Join("spoke1", "same")),
        ("one trunk (spoke to home)", await cluster.Join("home", "home")),
        ("two trunks (spoke to spoke via home)", await cluster.Join("spoke2", "far")),
    };
    var everyone = listeners.Select(l => l.Phone).Prepend(talker).ToArray();
    foreach (var (_, phone) in listeners)
    {
        phone.StartListening();
    }
    var onsets = new List<long>();
    await Drive(everyone, seconds, (frame, phone) =>
    {
        if (phone != talker)
        {
            return false;
        }
        var inBurst = frame % 50 < 10; // 200 ms of tone every second
        if (frame % 50 == 0)
        {
            lock (onsets)
            {
                onsets.Add(Stopwatch.GetTimestamp());
            }
        }
        return inBurst;
    });
    Console.WriteLine($"== audio path latency, burst onset to the listener's socket ({seconds} s, {onsets.Count} bursts) ==");
    foreach (var (path, phone) in listeners)
    {
        var latencies = phone.Onsets.Select(arrival => Match(onsets, arrival)).Where(l => l is > 0 and < 500).OrderBy(l => l).ToList();
        Console.WriteLine(latencies.Count == 0
            ? $"{path,-40} no onset heard"
            : $"{path,-40} p50 {Percentile(latencies, 0.5),6:F1} ms  p99 {Percentile(latencies, 0.99),6:F1} ms  ({latencies.Count} onsets)");
    }
    Console.WriteLine(cluster.TrunkSummary());
}

async Task Cpu(int phones, int workers, int seconds)
{
    var names = Enumerable.Range(0, workers).Select(i => i == 0 ? "home" : $"spoke{i}").ToArray();
    var meeting = Guid.NewGuid();
    await using var cluster = new Cluster(meeting, names);
    var all = new List<Phone>();
    for (var i = 0; i < phones; i++)
    {
        all.Add(await cluster.Join(names[i % workers], $"p{i}"));
    }
    // 3 talkers, spread over the workers (phone i is on worker i % workers), bursts staggered by 300 ms.
    var talkers = new HashSet<Phone> { all[0], all[1 % phones], all[2 % phones] };
    var talkerIndex = talkers.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
    await Drive(all, 3, (_, _) => false); // warm-up
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var mixBefore = cluster.MixerBusy();
    var watch = Stopwatch.StartNew();
    await Drive(all, seconds, (frame, phone) => talkers.Contains(phone) && (frame + 15 * talkerIndex[phone]) % 50 < 10);
    var elapsed = watch.Elapsed.TotalSeconds;
    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds / elapsed * 100;
    var mixers = cluster.MixerBusy().Zip(mixBefore, (a, b) => (a - b).TotalSeconds / elapsed * 100).ToArray();
    Console.WriteLine($"{phones} phones on {workers} worker(s): process CPU {cpu:F1}% of one core (phones included), mixer threads {mixers.Sum():F1}% [{string.Join(" + ", mixers.Select(m => m.ToString("F1", inv)))}], legs {string.Join("/", cluster.Legs())}");
}

static double Match(List<long> onsets, long arrival)
{
    lock (onsets)
    {
        var sent = onsets.LastOrDefault(o => o <= arrival);
        return sent == 0 ? -1 : (arrival - sent) * 1000.0 / Stopwatch.Frequency;
    }
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

/// <summary>Every phone sends a 20 ms frame on a 20 ms grid (a dedicated thread, whole-millisecond sleeps);
/// <paramref name="loud"/> says whether this frame is tone.</summary>
static Task Drive(IReadOnlyList<Phone> phones, int seconds, Func<long, Phone, bool> loud) => Task.Factory.StartNew(() =>
{
    var start = Stopwatch.GetTimestamp();
    var frames = seconds * 50L;
    for (long frame = 0; frame < frames; frame++)
    {
        var due = start + frame * Stopwatch.Frequency / 50;
        while (Stopwatch.GetTimestamp() < due)
        {
            var ms = (due - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
            Thread.Sleep(ms > 1 ? (int)ms - 1 : 0);
        }
        foreach (var phone in phones)
        {
            phone.Send(loud(frame, phone));
        }
    }
}, TaskCreationOptions.LongRunning);

sealed class Cluster : IAsyncDisposable
{
    private static int s_port = 30000;
    private readonly Guid _meeting;
    private readonly Dictionary<string, MediaEngine> _engines = [];
    private readonly List<Phone> _phones = [];
    private readonly string[] _names;

    public Cluster(Guid meeting, string[] names)
    {
        _meeting = meeting;
        _names = names;
        foreach (var name in names)
        {
            var first = Interlocked.Add(ref s_port, 600);
            _engines[name] = new MediaEngine(Options.Create(new MediaWorkerOptions
            {
                WorkerId = name,
                RtpPortMin = first,
                RtpPortMax = first + 599,
                CapacityLegs = 250,
            }), new NoEvents(), NullLogger<MediaEngine>.Instance);
        }
        // The star, as the meeting grain builds it: the first worker is home.
        foreach (var spoke in names.Skip(1))
        {
            var home = _engines[names[0]];
            var homeEnd = home.OpenTrunkAsync(new TrunkRequest(meeting, spoke, Home: true)).Result;
            var spokeEnd = _engines[spoke].OpenTrunkAsync(new TrunkRequest(meeting, names[0], Home: false)).Result;
            home.ConnectTrunkAsync(meeting, spoke, spokeEnd).Wait();
            _engines[spoke].ConnectTrunkAsync(meeting, names[0], homeEnd).Wait();
        }
    }

    public async Task<Phone> Join(string worker, string id)
    {
        var phone = new Phone();
        var allocation = await _engines[worker].AllocateLegAsync(new LegRequest(_meeting, id, phone.Offer(), SrtpRequired: false, id));
        if (!allocation.Ok)
        {
            throw new InvalidOperationException(allocation.Error);
        }
        phone.Connect(allocation.LocalSdp!);
        _phones.Add(phone);
        return phone;
    }

    public TimeSpan[] MixerBusy() => [.. _names.Select(n => _engines[n].MixerBusyTime)];

    public int[] Legs() => [.. _names.Select(n => _engines[n].ActiveLegs)];

    public string TrunkSummary() => string.Join("\n", _names.Skip(1).Select(s =>
    {
        var home = _engines[_names[0]].TrunkCounters(_meeting, s)!;
        var spoke = _engines[s].TrunkCounters(_meeting, _names[0])!;
        return $"trunk home<->{s}: home sent {home.RtpSent} got {home.RtpReceived}, {s} sent {spoke.RtpSent} got {spoke.RtpReceived}, srtp failures {home.AuthenticationFailures + spoke.AuthenticationFailures}";
    }));

    public async ValueTask DisposeAsync()
    {
        foreach (var engine in _engines.Values)
        {
            await engine.DisposeAsync();
        }
        foreach (var phone in _phones)
        {
            phone.Dispose();
        }
    }

    private sealed class NoEvents : IMediaEventSink
    {
        public void Publish(MediaEvent mediaEvent)
        {
        }
    }
}

/// <summary>A G.711 phone: sends a 1 kHz tone or silence; when listening, notes when a tone's onset sample arrives
/// (after at least 300 ms of quiet).</summary>
sealed class Phone : IDisposable
{
    private static readonly byte[] s_silence = Enumerable.Repeat((byte)0xFF, 160).ToArray();
    private static readonly byte[] s_tone = Tone();
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly byte[] _packet = new byte[172];
    private SocketAddress? _worker;
    private ushort _seq;
    private uint _timestamp;
    private Thread? _listener;
    private volatile bool _stopped;

    public Phone() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public List<long> Onsets { get; } = [];

    private int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public string Offer() =>
        "v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
        $"m=audio {Port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";

    public void Connect(string answer)
    {
        var port = int.Parse(answer.Split("m=audio ")[1].Split(' ')[0], CultureInfo.InvariantCulture);
        _worker = new IPEndPoint(IPAddress.Loopback, port).Serialize();
    }

    public void Send(bool loud)
    {
        RtpHeader.Write(_packet, false, 0, _seq++, _timestamp, (uint)Port);
        _timestamp += 160;
        (loud ? s_tone : s_silence).CopyTo(_packet, 12);
        _socket.SendTo(_packet, SocketFlags.None, _worker!);
    }

    public void StartListening()
    {
        _listener = new Thread(Listen) { IsBackground = true, Name = "bench listener" };
        _listener.Start();
    }

    private void Listen()
    {
        var buffer = new byte[1500];
        var pcm = new short[1500];
        var lastLoud = Stopwatch.GetTimestamp();
        _socket.ReceiveTimeout = 500;
        while (!_stopped)
        {
            int n;
            try
            {
                n = _socket.Receive(buffer);
            }
            catch (SocketException)
            {
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            var now = Stopwatch.GetTimestamp();
            if (!RtpHeader.TryParse(buffer.AsSpan(0, n), out var header))
            {
                continue;
            }
            var payload = header.Payload(buffer.AsSpan(0, n));
            G711.Decode(payload, pcm, aLaw: false);
            var first = -1;
            for (var i = 0; i < payload.Length; i++)
            {
                if (Math.Abs((int)pcm[i]) > 2000)
                {
                    first = i;
                    break;
                }
            }
            if (first < 0)
            {
                continue;
            }
            if ((now - lastLoud) * 1000 / Stopwatch.Frequency >= 300)
            {
                // The onset sample plays first / 8000 s after this packet's first sample.
                lock (Onsets)
                {
                    Onsets.Add(now + first * Stopwatch.Frequency / 8000);
                }
            }
            lastLoud = now;
        }
    }

    private static byte[] Tone()
    {
        var pcm = new short[160];
        for (var i = 0; i < 160; i++)
        {
            pcm[i] = (short)(8000 * Math.Sin(2 * Math.PI * 1000 * i / 8000));
        }
        var bytes = new byte[160];
        G711.Encode(pcm, bytes, aLaw: false);
        return bytes;
    }

    public void Dispose()
    {
        _stopped = true;
        _socket.Dispose();
        _listener?.Join(1000);
    }
}
