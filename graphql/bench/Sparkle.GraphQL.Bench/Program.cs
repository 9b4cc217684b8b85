using System.Diagnostics;
using System.Globalization;
using Sparkle.Client;
using Sparkle.GraphQL.Tests;

// Usage: SPARKLE_TEST_PG=... dotnet run -c Release --project graphql/bench/Sparkle.GraphQL.Bench [meetings] [mutesPerMeeting]
var meetings = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
var mutesPerMeeting = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
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

    // 100 live meetings, each with one invited participant to mute and unmute.
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
    foreach (var (meetingId, participant) in targets.Take(20))
    {
        (await owner.ExecuteAsync(Mute, new { m = meetingId, p = participant })).EnsureSuccess();
    }

    var latencies = new double[meetings * mutesPerMeeting];
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
    Array.Sort(latencies);
    Console.WriteLine($"mute/unmute round trip, {meetings} concurrent meetings x {mutesPerMeeting}: " +
        $"p50 {Percentile(latencies, 0.50):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, max {latencies[^1]:F1} ms, " +
        $"{latencies.Length / wall.Elapsed.TotalSeconds:F0} mutations/s");

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
    }
}
finally
{
    await cluster.StopApiAsync();
    await cluster.StopSiloAsync();
    System.IO.Directory.Delete(cluster.WorkFolder, recursive: true);
}

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
