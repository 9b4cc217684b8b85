using System.Diagnostics;
using System.Globalization;
using Sparkle.Client;
using Sparkle.GraphQL.Tests;

// Tenant API benchmark (issue 6): mute round trips with 100 meetings live at once, and directory sync throughput.
// Runs the real silo (PostgreSQL clustering and storage) and the real API host in this process, as the GraphQL
// tests do, and drives them over HTTP with Sparkle.Client.
// Usage: SPARKLE_TEST_PG=... dotnet Sparkle.GraphQL.Bench.dll [meetings=100] [mutesPerMeeting=50] [csv]
var meetings = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
var mutesPerMeeting = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
var csvPath = args.Length > 2 ? args[2] : null;
var csv = new List<string> { "metric,value,unit" };
void Record(string metric, double value, string unit) =>
    csv.Add(string.Create(CultureInfo.InvariantCulture, $"{metric},{value:F2},{unit}"));

var cluster = new ClusterUnderTest(Path.Combine(Path.GetTempPath(), "sparkle-gql-bench", Guid.NewGuid().ToString("N")));
using var http = new HttpClient();
try
{
    await cluster.StartSiloAsync();
    await cluster.StartApiAsync();
    DemoData? demo;
    while ((demo = DemoData.TryRead(cluster.DemoFile)) is null)
    {
        await Task.Delay(200);
    }
    var owner = new SparkleClient(cluster.GraphQLEndpoint, demo.Demo.Owner.Token, http);

    // N live meetings, each with one invited participant to mute and unmute.
    var targets = await Task.WhenAll(Enumerable.Range(0, meetings).Select(async i =>
    {
        var meeting = await owner.CreateMeetingAsync($"Bench {i}", []);
        (await owner.ExecuteAsync("mutation($id: ID!) { startMeeting(meetingId: $id) { id } }", new { id = meeting.Id })).EnsureSuccess();
        var invited = (await owner.ExecuteAsync("mutation($id: ID!) { inviteParticipant(meetingId: $id, participant: { number: \"1005\" }) { participants { id } } }",
            new { id = meeting.Id })).EnsureSuccess().Data!.Value.GetProperty("inviteParticipant").GetProperty("participants")[0].GetProperty("id").GetString()!;
        return (meeting.Id, invited);
    }));
    const string Mute = "mutation($m: ID!, $p: ID!) { muteParticipant(meetingId: $m, participantId: $p) { id } }";
    const string Unmute = "mutation($m: ID!, $p: ID!) { unmuteParticipant(meetingId: $m, participantId: $p) { id } }";
    // Warm-up: every meeting grain active, JIT and connection pools hot.
    foreach (var (meetingId, participant) in targets)
    {
        (await owner.ExecuteAsync(Unmute, new { m = meetingId, p = participant })).EnsureSuccess();
    }

    // 1. One mutation in flight at a time, round-robin over the N live meetings: the round trip itself.
    var serial = new double[Math.Min(1000, meetings * 10)];
    for (var i = 0; i < serial.Length; i++)
    {
        var target = targets[i % meetings];
        var started = Stopwatch.GetTimestamp();
        var response = await owner.ExecuteAsync((i / meetings) % 2 == 0 ? Mute : Unmute, new { m = target.Id, p = target.invited });
        serial[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        response.EnsureSuccess();
    }
    Array.Sort(serial);
    Console.WriteLine($"mute/unmute round trip, 1 in flight over {meetings} live meetings x {serial.Length}: " +
        $"p50 {Percentile(serial, 0.50):F1} ms, p99 {Percentile(serial, 0.99):F1} ms, max {serial[^1]:F1} ms");
    Record("mute_serial_p50", Percentile(serial, 0.50), "ms");
    Record("mute_serial_p99", Percentile(serial, 0.99), "ms");

    // 2. All N meetings at once: one chair client per meeting muting and unmuting back to back (N in flight).
    var latencies = new double[meetings * mutesPerMeeting];
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    await Task.WhenAll(targets.Select((target, index) => Task.Run(async () =>
    {
        for (var i = 0; i < mutesPerMeeting; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var response = await owner.ExecuteAsync(i % 2 == 0 ? Mute : Unmute, new { m = target.Id, p = target.invited });
            latencies[index * mutesPerMeeting + i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            response.EnsureSuccess();
        }
    })));
    wall.Stop();
    // CPU of this process (client, API host and silo together; PostgreSQL not included) per mutation.
    var cpuPerMutation = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / latencies.Length;
    Array.Sort(latencies);
    var rate = latencies.Length / wall.Elapsed.TotalSeconds;
    Console.WriteLine($"mute/unmute round trip, {meetings} concurrent meetings x {mutesPerMeeting} ({meetings} in flight): " +
        $"p50 {Percentile(latencies, 0.50):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, max {latencies[^1]:F1} ms, " +
        $"{rate:F0} mutations/s, {cpuPerMutation:F2} ms CPU per mutation (client + API + silo)");
    Record("mute_concurrent_p50", Percentile(latencies, 0.50), "ms");
    Record("mute_concurrent_p99", Percentile(latencies, 0.99), "ms");
    Record("mute_concurrent_rate", rate, "mutations/s");
    Record("mute_cpu_per_mutation", cpuPerMutation, "ms");

    var sync = new SparkleClient(cluster.GraphQLEndpoint, demo.Demo2.SyncToken, http);
    foreach (var (label, prefix) in new[] { ("create", "a"), ("unchanged", "a"), ("replace", "b") })
    {
        var batch = new DirectorySyncBatch(SyncMode.Full, [],
            Enumerable.Range(0, 10_000).Select(i => new Contact($"{prefix}{i}", $"Person {prefix}{i}", SipNumber: (100000 + i).ToString(CultureInfo.InvariantCulture))).ToList());
        var watch = Stopwatch.StartNew();
        var report = await sync.SyncDirectoryAsync(batch);
        watch.Stop();
        Console.WriteLine($"directory sync 10,000 contacts ({label}: +{report.Created} ~{report.Updated} -{report.Deleted} ={report.Unchanged}): " +
            $"{watch.Elapsed.TotalMilliseconds:F0} ms, {10_000 / watch.Elapsed.TotalSeconds:F0} contacts/s");
        Record($"sync_{label}", 10_000 / watch.Elapsed.TotalSeconds, "contacts/s");
    }
}
finally
{
    await cluster.StopApiAsync();
    await cluster.StopSiloAsync();
    System.IO.Directory.Delete(cluster.WorkFolder, recursive: true);
}
if (csvPath is not null)
{
    await File.WriteAllLinesAsync(csvPath, csv);
}

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
