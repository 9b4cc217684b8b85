#:project ../../../silo/Sparkle.Silo/Sparkle.Silo.csproj
#:property Configuration=Release
#:property PublishAot=false
// Meeting state benchmark (issue 15): what a join costs in storage as a meeting's history grows. A real Sparkle silo
// (the production host set-up: ADO.NET grain storage on PostgreSQL) and a stand-in media worker in this process; one
// meeting takes N joins, each caller hanging up once 50 are in (the way calls come and go), so after N joins the
// meeting holds N participant records. After 10, 100 and 1,000 joins it reports, from the OrleansStorage table:
//   - the state: the header row and the roster pages (bytes);
//   - what the next join wrote: the rows whose version moved (bytes);
//   - before roster pages: the single row that held everything, which every join rewrote whole (the same records
//     serialized in that form by the silo's own storage serializer).
// Usage: tests/bench/state/bench.sh [joins=1000]
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Storage;
using Sparkle.Grains;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Meetings.Persistence;
using Sparkle.Grains.Recordings;
using Sparkle.Grains.Tenants;
using Sparkle.Silo;

var joins = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var pg = Environment.GetEnvironmentVariable("BENCH_PG") ?? throw new InvalidOperationException("BENCH_PG is not set (bench.sh sets it)");
var serviceId = $"state-bench-{Guid.NewGuid():N}";
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Cluster:ConnectionString"] = pg,
    ["Cluster:ClusterId"] = serviceId,
    ["Cluster:ServiceId"] = serviceId,
    ["Silo:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
    ["Silo:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
    ["Seed:Demo"] = "false",
});
builder.AddSparkleSilo();
using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();

var worker = new StandInWorker();
var registry = grains.GetGrain<IMediaWorkerRegistryGrain>(0);
var workerRef = grains.CreateObjectReference<IMediaWorker>(worker);
var info = new MediaWorkerInfo("bench-worker", "127.0.0.1", 100_000, 0, 0, DateTimeOffset.UtcNow);
await registry.RegisterAsync(info, workerRef);
using var heartbeat = new Timer(_ => _ = Beat(), null, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(300));

var tenantId = Guid.NewGuid();
var tenant = grains.GetGrain<ITenantGrain>(tenantId);
await tenant.CreateAsync(Caller.Operator, $"bench-{tenantId:N}", [$"b{tenantId:N}.test"], new TenantPolicies());
await tenant.AddUserAsync(Caller.System(tenantId), new UserSpec("1001", "Owner", Role.Owner));
var meeting = grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
await meeting.CreateAsync(Caller.User(tenantId, "1001"), new MeetingSpec("State bench", []));
var system = Caller.System(tenantId);
var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(SparkleStorage.Name);
var serializer = host.Services.GetRequiredService<IGrainStorageSerializer>();

Console.WriteLine("joins,header_bytes,roster_pages,roster_bytes,next_join_rows,next_join_bytes,single_row_bytes_before");
var live = new Queue<string>();
var checkpoints = new SortedSet<int>([10, 100, 1000, joins]);
for (var i = 1; i <= joins + 1; i++)
{
    var before = checkpoints.Contains(i - 1) ? await Rows() : null;
    var join = await meeting.JoinAsync(system, new JoinRequest($"call-{i}", $"sip:guest{i}@x.test", $"Guest number {i}", null,
        "v=0\r\ns=offer\r\n", new LegSecurity(false, false), "gw-1"));
    if (join.Refusal != JoinRefusal.None)
    {
        throw new InvalidOperationException($"join {i}: {join.Refusal} {join.Reason}");
    }

    if (before is not null)
    {
        var after = await Rows();
        var written = after.Where(r => !before.Contains(r)).ToList();
        var header = before.Single(r => r.State == "meeting");
        var pages = before.Where(r => r.State != "meeting").ToList();
        Console.WriteLine(string.Join(',', i - 1, header.Bytes, pages.Count, pages.Sum(r => r.Bytes), written.Count, written.Sum(r => r.Bytes),
            await SingleRowBytes(meeting.GetGrainId(), pages.Select(p => int.Parse(p.State["meeting-roster-".Length..], CultureInfo.InvariantCulture)))));
    }

    // Callers come and go: at most 50 in the meeting at once (the history keeps everyone).
    live.Enqueue(join.ParticipantId!);
    if (live.Count > 50)
    {
        await meeting.LeaveAsync(system, live.Dequeue(), DisconnectionMethod.Departed);
    }
}

// The tenant catalog: ad-hoc meetings (one per factory call) created and ended. Before, the catalog kept every
// one and was rewritten whole at each new meeting; now an ended meeting leaves it (history is the listing index).
Console.WriteLine();
Console.WriteLine("adhoc_meetings,catalog_bytes_all_ended,catalog_bytes_all_live");
var owner = Caller.User(tenantId, "1001");
var ended = 0;
foreach (var target in new[] { 10, 100, 1000 })
{
    for (; ended < target; ended++)
    {
        var adHoc = grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await adHoc.CreateAsync(owner, new MeetingSpec("Ad hoc", [], AdHoc: true));
        await adHoc.EndAsync(owner);
    }

    Console.WriteLine(string.Join(',', target, await CatalogBytes(tenantId), "-"));
}

// The same number of meetings still live (what the catalog held for ended ones before): its size then.
var liveTenant = Guid.NewGuid();
await grains.GetGrain<ITenantGrain>(liveTenant).CreateAsync(Caller.Operator, $"live-{liveTenant:N}", [$"l{liveTenant:N}.test"], new TenantPolicies());
await grains.GetGrain<ITenantGrain>(liveTenant).AddUserAsync(Caller.System(liveTenant), new UserSpec("1001", "Owner", Role.Owner));
var created = 0;
foreach (var target in new[] { 10, 100, 1000 })
{
    for (; created < target; created++)
    {
        await grains.GetGrain<IMeetingGrain>(Guid.NewGuid()).CreateAsync(Caller.User(liveTenant, "1001"), new MeetingSpec("Ad hoc", [], AdHoc: true));
    }

    Console.WriteLine(string.Join(',', target, "-", await CatalogBytes(liveTenant)));
}

await host.StopAsync(TimeSpan.FromSeconds(10));
GC.KeepAlive(worker);
return;

async Task Beat()
{
    try
    {
        if (!await registry.HeartbeatAsync(info.WorkerId, 0, 0, 0.1))
        {
            await registry.RegisterAsync(info, workerRef);
        }
    }
    catch (Exception)
    {
        // Stopping.
    }
}

// The single row of the form before roster pages: the header with every record in it (field 10).
async Task<int> SingleRowBytes(GrainId grainId, IEnumerable<int> pages)
{
    var header = new GrainState<MeetingState>(new MeetingState());
    await storage.ReadStateAsync("meeting", grainId, header);
    var all = new List<ParticipantRecord>();
    foreach (var page in pages)
    {
        var roster = new GrainState<RosterPage>(new RosterPage());
        await storage.ReadStateAsync($"meeting-roster-{page}", grainId, roster);
        all.AddRange(roster.State!.Participants);
    }

    header.State!.LegacyParticipants = all;
    header.State.RosterPages = [];
    return serializer.Serialize(header.State).ToMemory().Length;
}

async Task<int> CatalogBytes(Guid tenant)
{
    // The catalog's row as stored (read and serialized again by the silo's storage serializer).
    var catalogId = grains.GetGrain<Sparkle.Grains.Plans.ITenantCatalogGrain>(tenant).GetGrainId();
    var state = new GrainState<Sparkle.Grains.Plans.TenantCatalogState>(new Sparkle.Grains.Plans.TenantCatalogState());
    await storage.ReadStateAsync("catalog", catalogId, state);
    return serializer.Serialize(state.State).ToMemory().Length;
}

async Task<HashSet<(string State, int Version, int Bytes)>> Rows()
{
    await using var connection = new NpgsqlConnection(pg);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(
        "SELECT GrainTypeString, Version, octet_length(PayloadBinary) FROM OrleansStorage WHERE ServiceId = @s AND PayloadBinary IS NOT NULL "
        + "AND (GrainTypeString = 'meeting' OR GrainTypeString LIKE 'meeting-roster-%')", connection);
    command.Parameters.AddWithValue("s", serviceId);
    var rows = new HashSet<(string, int, int)>();
    await using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2)));
    }

    return rows;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

/// <summary>A media worker that gives every leg at once (no media): the bench measures the control plane's storage.</summary>
sealed class StandInWorker : IMediaWorker
{
    private static readonly Task<LegAllocation> Given = Task.FromResult(new LegAllocation(true, "v=0\r\ns=answer\r\n", null, 1000, null));

    public Task<LegAllocation> AllocateLegAsync(LegRequest request) => Given;
    public Task<LegAllocation> CompleteLegAsync(Guid meetingId, string participantId, string remoteSdp) => Given;
    public Task<LegAllocation> RenegotiateLegAsync(Guid meetingId, string participantId, string remoteSdp) => Given;
    public Task ControlLegAsync(Guid meetingId, string participantId, LegControl control) => Task.CompletedTask;
    public Task<bool> RequestKeyFrameAsync(Guid meetingId, string participantId) => Task.FromResult(false);
    public Task ReleaseLegAsync(Guid meetingId, string participantId) => Task.CompletedTask;
    public Task SetLayoutAsync(Guid meetingId, VideoLayoutControl layout) => Task.CompletedTask;
    public Task ReleaseMeetingAsync(Guid meetingId) => Task.CompletedTask;
    public Task<MediaWorkerInfo> PingAsync() => Task.FromResult(new MediaWorkerInfo("bench-worker", "127.0.0.1", 100_000, 0, 0, DateTimeOffset.UtcNow));
    public Task StartRecordingAsync(Guid meetingId, RecordingOrder order) => Task.CompletedTask;
    public Task<bool> StopRecordingAsync(Guid meetingId) => Task.FromResult(false);
    public Task<bool> PlayIntoLegAsync(Guid meetingId, string participantId, ReplayClip clip) => Task.FromResult(false);
    public Task<PreviewPicture?> GetPreviewAsync(Guid meetingId) => Task.FromResult<PreviewPicture?>(null);
    public Task<TrunkEndpoint> OpenTrunkAsync(TrunkRequest request) => throw new NotSupportedException("one worker");
    public Task<bool> ConnectTrunkAsync(Guid meetingId, string peerWorkerId, TrunkEndpoint peer) => Task.FromResult(false);
    public Task CloseTrunkAsync(Guid meetingId, string peerWorkerId) => Task.CompletedTask;
    public Task<LegQuality?> GetLegQualityAsync(Guid meetingId, string participantId) => Task.FromResult<LegQuality?>(null);
}
