using Npgsql;
using Sparkle.Grains.Directory;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Tenants;
using Sparkle.Grains.Tests.Infrastructure;
using Sparkle.Silo;

namespace Sparkle.Grains.Tests.Postgres;

/// <summary>Grain state, membership and reminders on real PostgreSQL through the project's own schema.</summary>
public sealed class PostgresPersistenceTests
{
    private static readonly string[] s_queryKeys =
    [
        "UpdateIAmAlivetimeKey", "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "GatewaysQueryKey",
        "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey",
        "CleanupDefunctSiloEntryKey", "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    [Fact]
    public async Task SchemaAppliesTwiceAndHoldsEveryQueryKey()
    {
        await PostgresSchema.ApplyAsync(PostgresSilo.ConnectionString);
        await PostgresSchema.ApplyAsync(PostgresSilo.ConnectionString);

        await using var connection = new NpgsqlConnection(PostgresSilo.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery", connection);
        var keys = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }
        }

        Assert.All(s_queryKeys, key => Assert.Contains(key, keys));
    }

    [Fact]
    public async Task StateWrittenByOneSiloIsReadBackByTheNext()
    {
        var serviceId = $"persist-{Guid.NewGuid():N}";
        var tenantId = Guid.NewGuid();
        var meetingId = Guid.NewGuid();
        var planId = Guid.NewGuid();
        MeetingSnapshot written;
        DigestCredentials? credentials;

        await using (var first = await PostgresSilo.StartAsync($"c-{serviceId}", serviceId))
        {
            var g = first.Grains;
            var tenant = g.GetGrain<ITenantGrain>(tenantId);
            await tenant.CreateAsync(Caller.Operator, $"pg-{tenantId:N}", [$"t{tenantId:N}.test"], new TenantPolicies(SrtpRequired: true));
            await tenant.AddUserAsync(Caller.System(tenantId), new UserSpec("1001", "Owner", Role.Owner, SipPassword: "s3cret-password"));
            await tenant.AddUserAsync(Caller.System(tenantId), new UserSpec("1002", "Member", Role.Member));
            var owner = Caller.User(tenantId, "1001");
            await g.GetGrain<IDirectoryGrain>(tenantId).SyncAsync(Caller.Sync(tenantId), new DirectorySyncBatch(SyncMode.Full, [],
                Enumerable.Range(0, 10_000).Select(i => new Contact($"hr-{i}", $"Person {i}", null, $"{30000 + i}", null, null, null, null)).ToList()));
            await g.GetGrain<IMeetingPlanGrain>(planId).CreateAsync(owner, new MeetingPlanSpec("Plan", [new PlannedParticipant("1002")]));
            var meeting = g.GetGrain<IMeetingGrain>(meetingId);
            await meeting.CreateAsync(owner, new MeetingSpec("Review", [new PlannedParticipant("1002")]));
            await meeting.SetLockedAsync(owner, true);
            written = (await meeting.GetAsync(owner))!;
            credentials = await g.GetGrain<IUserGrain>(UserKey.For(tenantId, "1001")).GetDigestCredentialsAsync(Caller.System(tenantId));
        }

        await using (var second = await PostgresSilo.StartAsync($"c-{serviceId}", serviceId))
        {
            var g = second.Grains;
            var owner = Caller.User(tenantId, "1001");
            var info = await g.GetGrain<ITenantGrain>(tenantId).GetAsync(owner);
            Assert.True(info.Policies.SrtpRequired);
            Assert.Equal(tenantId, await g.GetGrain<ITenantRegistryGrain>(0).FindByDomainAsync($"t{tenantId:N}.test"));
            Assert.Equal(Role.Member, await g.GetGrain<ITenantGrain>(tenantId).GetRoleAsync("1002"));
            Assert.Equal(credentials, await g.GetGrain<IUserGrain>(UserKey.For(tenantId, "1001")).GetDigestCredentialsAsync(Caller.System(tenantId)));
            Assert.Equal(1000, (await g.GetGrain<IDirectoryGrain>(tenantId).SearchAsync(owner, null, 1000)).Count);
            Assert.Equal("Person 9999", (await g.GetGrain<IDirectoryGrain>(tenantId).GetContactAsync(owner, "hr-9999"))!.DisplayName);
            Assert.Equal("Plan", (await g.GetGrain<IMeetingPlanGrain>(planId).GetAsync(owner))!.Spec.Title);
            var read = (await g.GetGrain<IMeetingGrain>(meetingId).GetAsync(owner))!;
            Assert.Equal(written.ConferenceNumber, read.ConferenceNumber);
            Assert.True(read.Locked);
            Assert.Equal(written.Version, read.Version);
            Assert.Equal(written.Participants.Select(p => (p.ParticipantId, p.State)), read.Participants.Select(p => (p.ParticipantId, p.State)));
            Assert.Equal(meetingId, await g.GetGrain<ITenantCatalogGrain>(tenantId).FindMeetingAsync(written.ConferenceNumber));
        }
    }

    [Fact]
    public async Task AScheduledMeetingStartsItselfThroughAPostgresReminder()
    {
        var serviceId = $"remind-{Guid.NewGuid():N}";
        await using var silo = await PostgresSilo.StartAsync($"c-{serviceId}", serviceId);
        var tenantId = Guid.NewGuid();
        var tenant = silo.Grains.GetGrain<ITenantGrain>(tenantId);
        await tenant.CreateAsync(Caller.Operator, $"r-{tenantId:N}", [$"r{tenantId:N}.test"], new TenantPolicies());
        await tenant.AddUserAsync(Caller.System(tenantId), new UserSpec("1001", "Owner", Role.Owner));
        var owner = Caller.User(tenantId, "1001");
        var meeting = silo.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());

        await meeting.CreateAsync(owner, new MeetingSpec("Soon", [], ScheduledStart: DateTimeOffset.UtcNow.AddSeconds(3)));

        Assert.Equal(1, await CountAsync("SELECT count(*) FROM OrleansRemindersTable WHERE ServiceId = @s", serviceId));
        await Eventually.WaitAsync(() => meeting.GetAsync(owner), m => m!.Status == MeetingStatus.Active, "the scheduled start", seconds: 90);
        await Eventually.WaitAsync(() => CountAsync("SELECT count(*) FROM OrleansRemindersTable WHERE ServiceId = @s", serviceId), n => n == 0, "the reminder to go");
    }

    internal static async Task<long> CountAsync(string sql, string parameter)
    {
        await using var connection = new NpgsqlConnection(PostgresSilo.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("s", parameter);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
