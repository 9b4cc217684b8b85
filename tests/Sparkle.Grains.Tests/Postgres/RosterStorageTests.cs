using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Tenants;
using Sparkle.Grains.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Sparkle.Grains.Tests.Postgres;

/// <summary>A meeting's participants live in roster pages beside its header row (issue 15): a join, leave or mute
/// rewrites the header and one page, whatever the meeting's size or history, and everything reads back after a
/// restart, including a meeting stored in the old single-row form.</summary>
public sealed class RosterStorageTests(ITestOutputHelper output)
{
    private const string Offer = "v=0\r\ns=offer\r\n";

    [Fact]
    public async Task EachJoinLeaveAndMuteRewritesOnlyTheHeaderAndOnePageAndAllReadsBackAfterARestart()
    {
        var serviceId = $"roster-{Guid.NewGuid():N}";
        var tenantId = Guid.NewGuid();
        var meetingId = Guid.NewGuid();
        MeetingSnapshot written;
        var writes = new List<RowWrite[]>();

        await using (var silo = await PostgresSilo.StartAsync($"c-{serviceId}", serviceId))
        {
            await using var worker = await RegisterWorkerAsync(silo);
            var owner = await CreateTenantAsync(silo, tenantId);
            var meeting = silo.Grains.GetGrain<IMeetingGrain>(meetingId);
            await meeting.CreateAsync(owner, new MeetingSpec("Roster", []));

            var system = Caller.System(tenantId);
            var ids = new List<string>();
            for (var i = 0; i < 40; i++)
            {
                var before = await RowsAsync(serviceId);
                var join = await meeting.JoinAsync(system, new JoinRequest($"call-{i}", $"sip:guest{i}@x.test", $"Guest {i}", null, Offer, new LegSecurity(false, false), "gw-1"));
                Assert.True(join.Refusal == JoinRefusal.None, $"join {i}: {join.Refusal} {join.Reason}");
                ids.Add(join.ParticipantId!);
                writes.Add(Written(before, await RowsAsync(serviceId)));
            }

            var beforeMute = await RowsAsync(serviceId);
            await meeting.SetMutedAsync(owner, ids[3], true);
            var mute = Written(beforeMute, await RowsAsync(serviceId));
            var beforeLeave = await RowsAsync(serviceId);
            await meeting.LeaveAsync(system, ids[35], DisconnectionMethod.Departed);
            var leave = Written(beforeLeave, await RowsAsync(serviceId));

            // The first join writes the header and page 0; every later one the header and the joiner's page only.
            foreach (var (join, i) in writes.Select((w, i) => (w, i)).Skip(1))
            {
                Assert.Equal(2, join.Length);
                Assert.Contains(join, row => row.State == "meeting");
                Assert.Contains(join, row => row.State == $"meeting-roster-{int.Parse(ids[i][1..]) / 16}");
            }

            Assert.Equal(["meeting", $"meeting-roster-{int.Parse(ids[3][1..]) / 16}"], mute.Select(r => r.State).Order());
            Assert.Equal(["meeting", $"meeting-roster-{int.Parse(ids[35][1..]) / 16}"], leave.Select(r => r.State).Order());
            // The header does not grow with the roster: at most a byte per page listed.
            var header = writes.Select(w => w.Single(r => r.State == "meeting").Bytes).ToList();
            Assert.InRange(header[^1] - header[1], 0, 4);
            output.WriteLine($"header {header[1]} -> {header[^1]} bytes; join 40 wrote {writes[^1].Sum(r => r.Bytes)} bytes; mute {mute.Sum(r => r.Bytes)}");
            written = (await meeting.GetAsync(owner))!;
        }

        await using (var second = await PostgresSilo.StartAsync($"c-{serviceId}", serviceId))
        {
            var read = (await second.Grains.GetGrain<IMeetingGrain>(meetingId).GetAsync(Caller.User(tenantId, "1001")))!;
            Assert.Equal(40, written.Participants.Count); // one left: still listed, as disconnected
            Assert.Equal(Shape(written), Shape(read));
            Assert.True(read.Participants.Single(p => p.DisplayName == "Guest 3").Muted);
            Assert.Equal(CallState.Disconnected, read.Participants.Single(p => p.DisplayName == "Guest 35").State);
            Assert.Equal(written.Version, read.Version);
        }
    }

    [Fact]
    public async Task AMeetingStoredInTheOldSingleRowFormLoadsAndMovesToPagesAtItsNextSave()
    {
        var serviceId = $"roster-legacy-{Guid.NewGuid():N}";
        var tenantId = Guid.NewGuid();
        var meetingId = Guid.NewGuid();
        await using var silo = await PostgresSilo.StartAsync($"c-{serviceId}", serviceId);
        var owner = await CreateTenantAsync(silo, tenantId);
        await silo.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid()).CreateAsync(owner, new MeetingSpec("Warm-up", []));

        // The header as the silo wrote it before roster pages: the participants inside it (field 10).
        var storage = silo.Host.Services.GetRequiredKeyedService<IGrainStorage>(SparkleStorage.Name);
        var legacy = new GrainState<MeetingState>(new MeetingState
        {
            Exists = true,
            TenantId = tenantId,
            ConferenceNumber = "legacy-1",
            OwnerNumber = "1001",
            Spec = new MeetingSpec("Old", [], AdHoc: true),
            Status = MeetingStatus.Scheduled,
            NextParticipant = 20,
            Version = 7,
            LegacyParticipants = Enumerable.Range(0, 20)
                .Select(i => new ParticipantRecord { Id = $"p{i}", Uri = $"sip:{i}@x.test", DisplayName = $"Old {i}", State = CallState.Disconnected, Muted = i == 5 })
                .ToList(),
        });
        var meeting = silo.Grains.GetGrain<IMeetingGrain>(meetingId);
        var grainId = meeting.GetGrainId();
        await storage.WriteStateAsync("meeting", grainId, legacy);

        var read = (await meeting.GetAsync(owner))!;
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"Old {i}"), read.Participants.Select(p => p.DisplayName));
        Assert.True(read.Participants[5].Muted);

        await meeting.SetLockedAsync(owner, true); // any save
        var rows = await RowsAsync(serviceId);
        Assert.Contains(rows, r => r.State == "meeting-roster-0");
        Assert.Contains(rows, r => r.State == "meeting-roster-1");
        var header = new GrainState<MeetingState>(new MeetingState());
        await storage.ReadStateAsync("meeting", grainId, header);
        Assert.Null(header.State!.LegacyParticipants);
        Assert.Equal([0, 1], header.State.RosterPages);
    }

    private static (string, CallState, bool, string?)[] Shape(MeetingSnapshot meeting) =>
        meeting.Participants.Select(p => (p.ParticipantId, p.State, p.Muted, p.DisplayName)).ToArray();

    private static async Task<Caller> CreateTenantAsync(PostgresSilo silo, Guid tenantId)
    {
        var tenant = silo.Grains.GetGrain<ITenantGrain>(tenantId);
        await tenant.CreateAsync(Caller.Operator, $"r-{tenantId:N}", [$"r{tenantId:N}.test"], new TenantPolicies());
        await tenant.AddUserAsync(Caller.System(tenantId), new UserSpec("1001", "Owner", Role.Owner));
        return Caller.User(tenantId, "1001");
    }

    /// <summary>A fake media worker registered with the silo's registry and kept alive by heartbeats.</summary>
    private static async Task<RegisteredWorker> RegisterWorkerAsync(PostgresSilo silo)
    {
        var worker = new RegisteredWorker(silo.Grains);
        await worker.RegisterAsync();
        return worker;
    }

    /// <summary>Holds the fake worker: Orleans keeps observer objects only weakly, and a collected one never answers.</summary>
    private sealed class RegisteredWorker : IAsyncDisposable
    {
        private readonly FakeMediaWorker _worker = new();
        private readonly IMediaWorkerRegistryGrain _registry;
        private readonly IMediaWorker _reference;
        private readonly MediaWorkerInfo _info = new("roster-worker", "127.0.0.1", 1000, 0, 0, DateTimeOffset.UtcNow);
        private Timer? _heartbeat;

        public RegisteredWorker(IGrainFactory grains)
        {
            _registry = grains.GetGrain<IMediaWorkerRegistryGrain>(0);
            _reference = grains.CreateObjectReference<IMediaWorker>(_worker);
        }

        public async Task RegisterAsync()
        {
            await _registry.RegisterAsync(_info, _reference);
            _heartbeat = new Timer(_ => _ = BeatAsync(), null, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(300));
        }

        private async Task BeatAsync()
        {
            try
            {
                if (!await _registry.HeartbeatAsync(_info.WorkerId, 0, 0, 0.1))
                {
                    await _registry.RegisterAsync(_info, _reference);
                }
            }
            catch (Exception)
            {
                // The silo is stopping.
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_heartbeat is not null)
            {
                await _heartbeat.DisposeAsync();
            }

            GC.KeepAlive(_worker);
        }
    }

    internal sealed record RowWrite(string State, int Version, int Bytes);

    /// <summary>The rows whose version moved between the two readings: what one operation wrote.</summary>
    private static RowWrite[] Written(IReadOnlyList<RowWrite> before, IReadOnlyList<RowWrite> after) =>
        after.Where(row => !before.Any(b => b.State == row.State && b.Version == row.Version)).ToArray();

    /// <summary>This service's meeting header and roster rows (one meeting with participants per test service).</summary>
    internal static async Task<List<RowWrite>> RowsAsync(string serviceId)
    {
        await using var connection = new NpgsqlConnection(PostgresSilo.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT GrainTypeString, Version, octet_length(PayloadBinary) FROM OrleansStorage WHERE ServiceId = @s AND PayloadBinary IS NOT NULL "
            + "AND (GrainTypeString = 'meeting' OR GrainTypeString LIKE 'meeting-roster-%')",
            connection);
        command.Parameters.AddWithValue("s", serviceId);
        var rows = new List<RowWrite>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new RowWrite(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2)));
        }

        return rows;
    }
}
