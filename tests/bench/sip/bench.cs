#:project ../../../graphql/Sparkle.Client/Sparkle.Client.csproj
#:property Configuration=Release
#:property PublishAot=false
#:property JsonSerializerIsReflectionEnabledByDefault=true
// SIP benchmark driver (issue 3), run by bench.sh:
//   trunk    GRAPHQL TOKEN PROXY DOMAIN   points the tenant's SIP trunk at PROXY (a sipp UAS on loopback)
//   oneclick GRAPHQL TOKEN N CSV          a plan of N typed numbers (routed to the trunk), startMeeting(planId:),
//                                         polls meeting(id:) until all N are connected; writes per-participant
//                                         connect times (from the server's joinedAt) to CSV, then ends the meeting
//   plot     SUMMARY_CSV ONECLICK_CSV PNG the figure
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Sparkle.Client;

var inv = CultureInfo.InvariantCulture;
switch (args[0])
{
    case "trunk":
    {
        using var client = new SparkleClient(new Uri(args[1]), args[2]);
        var response = await client.ExecuteAsync(
            "mutation($p: TenantPoliciesInput!) { updateTenantPolicies(policies: $p) { policies { trunk { outboundProxy domain } } } }",
            new { p = new { trunk = new { outboundProxy = args[3], domain = args[4] } } });
        response.EnsureSuccess();
        Console.WriteLine($"trunk: {response.Data!.Value.GetProperty("updateTenantPolicies").GetProperty("policies").GetProperty("trunk")}");
        return 0;
    }
    case "oneclick":
        return await OneClickAsync(new Uri(args[1]), args[2], int.Parse(args[3], inv), args[4]);
    case "plot":
        Plot(args[1], args[2], args[3]);
        return 0;
    default:
        Console.Error.WriteLine("usage: bench.cs trunk|oneclick|plot ...");
        return 2;
}

static async Task<int> OneClickAsync(Uri endpoint, string token, int count, string csvPath)
{
    var inv = CultureInfo.InvariantCulture;
    using var client = new SparkleClient(endpoint, token);
    // Typed external numbers: none is a tenant user or registered, so each goes out through the trunk.
    var numbers = Enumerable.Range(0, count).Select(i => (5550000 + i).ToString(inv)).ToList();
    var plan = await client.CreateMeetingPlanAsync($"Bench one-click {count}", numbers.Select(n => new PlannedParticipant(n, $"Phone {n}")));
    Console.WriteLine($"plan {plan.Id}: {plan.Participants.Count} participants");

    const string Poll = "query($id: ID!) { meeting(id: $id) { status participants { id state joinedAt disconnectionMethod } } }";
    var t0 = DateTimeOffset.UtcNow;
    var clock = Stopwatch.StartNew();
    var started = await client.ExecuteAsync("mutation($planId: ID!) { startMeeting(planId: $planId) { id version } }", new { planId = plan.Id });
    var returned = clock.Elapsed.TotalMilliseconds;
    var meetingId = started.EnsureSuccess().Data!.Value.GetProperty("startMeeting").GetProperty("id").GetString()!;
    Console.WriteLine($"startMeeting returned in {returned:F0} ms (meeting {meetingId})");

    JsonElement participants = default;
    double allConnectedSeen = double.NaN;
    var polls = 0;
    var deadline = TimeSpan.FromSeconds(120);
    while (clock.Elapsed < deadline)
    {
        var response = await client.ExecuteAsync(Poll, new { id = meetingId });
        polls++;
        participants = response.EnsureSuccess().Data!.Value.GetProperty("meeting").GetProperty("participants").Clone();
        var states = participants.EnumerateArray().Select(p => p.GetProperty("state").GetString()).ToList();
        var connected = states.Count(s => s == "connected");
        var gone = states.Count(s => s == "disconnected");
        if (connected == count)
        {
            allConnectedSeen = clock.Elapsed.TotalMilliseconds;
            break;
        }
        if (connected + gone == count && gone > 0)
        {
            Console.WriteLine($"{gone} participants failed: " + string.Join(", ", participants.EnumerateArray()
                .Where(p => p.GetProperty("state").GetString() == "disconnected").Take(5).Select(p => p.GetProperty("disconnectionMethod").ToString())));
            break;
        }
        await Task.Delay(50);
    }

    // Per participant: the server's joinedAt (set when the trunk's 200 completed the media leg) minus the
    // moment the client sent startMeeting. Same machine, same clock.
    var times = participants.EnumerateArray()
        .Where(p => p.GetProperty("state").GetString() == "connected" && p.GetProperty("joinedAt").ValueKind == JsonValueKind.String)
        .Select(p => (p.GetProperty("joinedAt").GetDateTimeOffset() - t0).TotalMilliseconds)
        .Order().ToArray();
    var lines = new List<string> { "rank,connected_ms" };
    lines.AddRange(times.Select((t, i) => string.Create(inv, $"{i + 1},{t:F1}")));
    File.WriteAllLines(csvPath, lines);
    if (times.Length > 0)
    {
        Console.WriteLine(string.Create(inv,
            $"one-click start of {count}: {times.Length} connected; first {times[0]:F0} ms, median {times[times.Length / 2]:F0} ms, " +
            $"last {times[^1]:F0} ms after startMeeting was sent (all {count} seen connected by polling at {allConnectedSeen:F0} ms, {polls} polls)"));
    }
    // The end: the meeting hangs up all N (a BYE each through the gateway) before endMeeting returns.
    var ending = Stopwatch.StartNew();
    (await client.ExecuteAsync("mutation($id: ID!) { endMeeting(id: $id) { status } }", new { id = meetingId })).EnsureSuccess();
    Console.WriteLine(string.Create(inv, $"endMeeting (hangs up {times.Length}) returned in {ending.Elapsed.TotalMilliseconds:F0} ms"));
    return times.Length == count ? 0 : 1;
}

// The figure: call setup rate against the focus vs sipp's own UAS (left), setup time p50/p99 (middle),
// and the 100-participant one-click start as connected participants over time (bottom).
static void Plot(string summaryPath, string oneClickPath, string pngPath)
{
    var inv = CultureInfo.InvariantCulture;
    var rows = File.ReadAllLines(summaryPath).Skip(1).Select(l => l.Split(',')).ToList();
    double D(string s) => double.Parse(s, inv);
    var times = File.Exists(oneClickPath)
        ? File.ReadAllLines(oneClickPath).Skip(1).Select(l => D(l.Split(',')[1])).ToArray()
        : [];
    var chart = new Chart(1100, 120 + rows.Count * 56 + 50 + 270);
    var black = ((byte)20, (byte)20, (byte)20);
    var grey = ((byte)140, (byte)140, (byte)150);
    var orange = ((byte)230, (byte)120, (byte)30);
    var blue = ((byte)40, (byte)110, (byte)200);
    chart.Text("SPARKLE SIP FOCUS ON LOOPBACK: CALL SETUP (INVITE 200 ACK BYE) WITH SIPP", 10, 10, 2, black);
    var ceiling = rows.FirstOrDefault(r => r[0] == "ceiling");
    var maxRate = rows.Count == 0 ? 1 : rows.Max(r => D(r[3]));
    var y = 50;
    chart.Text("CALLS/S (BAR) AND SETUP TIME P50 / P99", 10, y, 2, black);
    y += 30;
    foreach (var r in rows)
    {
        var (label, concurrency, rate, p50, p99) = (r[0], r[2], D(r[3]), D(r[5]), D(r[6]));
        var colour = label == "ceiling" ? grey : label == "factory" ? orange : blue;
        var name = label switch { "ceiling" => "SIPP UAS", "factory" => "FACTORY", _ => "JOIN CONF" };
        chart.Text($"{name} L={concurrency}", 10, y + 6, 2, black);
        const int Left = 250, Width = 560;
        var length = Math.Max(2, (int)(rate / maxRate * Width));
        chart.Rect(Left, y, length, 24, colour);
        var ratio = ceiling is null || label == "ceiling" ? "" : string.Create(inv, $" = {rate / D(ceiling[3]):F3} OF SIPP");
        chart.Text(string.Create(inv, $"{rate:F0}/S{ratio}"), Left + length + 8, y + 6, 2, black);
        var cpu = r.Length > 9 ? string.Create(inv, $"  CPU {D(r[9]):F1} MS/CALL ({(label == "ceiling" ? "SIPP UAS" : "PLATFORM + POSTGRESQL")})") : "";
        chart.Text(string.Create(inv, $"SETUP P50 {p50:F0} MS  P99 {p99:F0} MS  FAILED {r[4]}  LOAD AVERAGE {r[8]}{cpu}"), Left, y + 32, 1, black);
        y += 56;
    }
    y += 20;
    chart.Text(times.Length > 0
        ? string.Create(inv, $"ONE-CLICK START OF {times.Length} (TRUNK = SIPP UAS): CONNECTED SINCE STARTMEETING, LAST {times[^1]:F0} MS")
        : "ONE-CLICK START: NO DATA", 10, y, 2, black);
    y += 30;
    if (times.Length > 0)
    {
        const int Left = 80, Width = 960, Height = 220;
        var maxT = Math.Max(1, times[^1]) * 1.05;
        chart.Rect(Left, y + Height, Width, 2, black);
        chart.Rect(Left, y, 2, Height, black);
        // A step curve: i + 1 participants connected from times[i] on.
        for (var i = 0; i < times.Length; i++)
        {
            var x = Left + (int)(times[i] / maxT * Width);
            var next = i + 1 < times.Length ? Left + (int)(times[i + 1] / maxT * Width) : Left + Width;
            var h = (int)((i + 1) / (double)times.Length * Height);
            var below = (int)(i / (double)times.Length * Height);
            chart.Rect(x, y + Height - h, Math.Max(2, next - x), 3, blue);
            chart.Rect(x, y + Height - h, 2, h - below + 1, blue);
        }
        chart.Text(times.Length.ToString(inv), 10, y, 2, black);
        chart.Text("CONNECTED", 10, y + 20, 1, black);
        chart.Text("0", 50, y + Height - 10, 2, black);
        for (var tick = 0; tick <= 4; tick++)
        {
            var t = maxT * tick / 4;
            chart.Text(string.Create(inv, $"{t:F0} MS"), Left + (int)(tick / 4.0 * Width) - 20, y + Height + 10, 2, black);
        }
    }
    chart.Save(pngPath);
    Console.WriteLine($"chart: {pngPath}");
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
