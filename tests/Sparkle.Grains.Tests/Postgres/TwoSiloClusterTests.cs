using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Tenants;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Postgres;

/// <summary>Two silos on one machine form one cluster through the ADO.NET membership table.</summary>
public sealed class TwoSiloClusterTests
{
    [Fact]
    public async Task TwoSilosFormOneClusterAndReachTheSameGrains()
    {
        var serviceId = $"two-{Guid.NewGuid():N}";
        var clusterId = $"c-{serviceId}";
        await using var a = await PostgresSilo.StartAsync(clusterId, serviceId);
        await using var b = await PostgresSilo.StartAsync(clusterId, serviceId);

        // Both silos are Active (status 3) in PostgreSQL and each sees the other.
        await Eventually.WaitAsync(
            () => PostgresPersistenceTests.CountAsync("SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = @s AND Status = 3", clusterId),
            n => n == 2, "two active silos in the membership table", seconds: 60);
        foreach (var silo in new[] { a, b })
        {
            await Eventually.WaitAsync(
                async () => (await silo.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count,
                n => n == 2, "each silo to see both", seconds: 60);
        }

        // Grains are made through both silos; Orleans places them where it likes (resource-optimised
        // placement may put all of them on one silo). So the test asks where each one lives and then
        // reads and changes it through the silo that does not host it: every such call crosses silos.
        var tenants = Enumerable.Range(0, 10).Select(i => (Id: Guid.NewGuid(), Maker: i % 2 == 0 ? a : b)).ToList();
        foreach (var (id, maker) in tenants)
        {
            var tenant = maker.Grains.GetGrain<ITenantGrain>(id);
            await tenant.CreateAsync(Caller.Operator, $"two-{id:N}", [$"t{id:N}.test"], new TenantPolicies());
            await tenant.AddUserAsync(Caller.System(id), new UserSpec("1001", "Owner", Role.Owner));
        }

        var hostOf = await HostingSilosAsync(a, tenants.Select(t => a.Grains.GetGrain<ITenantGrain>(t.Id).GetGrainId()));
        foreach (var (id, _) in tenants)
        {
            var grainId = a.Grains.GetGrain<ITenantGrain>(id).GetGrainId();
            Assert.True(hostOf.TryGetValue(grainId, out var hostSilo), $"tenant {id} has an activation in the cluster");
            var (hosting, other) = hostSilo == a.Address ? (a, b) : hostSilo == b.Address ? (b, a) : throw new Xunit.Sdk.XunitException($"tenant {id} is on an unknown silo {hostSilo}");
            Assert.Equal($"two-{id:N}", (await other.Grains.GetGrain<ITenantGrain>(id).GetAsync(Caller.User(id, "1001"))).Name);
            await other.Grains.GetGrain<ITenantGrain>(id).AddUserAsync(Caller.System(id), new UserSpec("1002", "Second", Role.Member));
            Assert.Equal(Role.Member, await hosting.Grains.GetGrain<ITenantGrain>(id).GetRoleAsync("1002"));
        }

        var meeting = b.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        var owner = Caller.User(tenants[0].Id, "1001");
        await meeting.CreateAsync(owner, new MeetingSpec("Across", []));
        await a.Grains.GetGrain<IMeetingGrain>(meeting.GetPrimaryKey()).SetLockedAsync(owner, true);
        Assert.True((await meeting.GetAsync(owner))!.Locked);

        // The meeting too is reached through the silo that does not host it, whichever that is.
        var meetingHost = (await HostingSilosAsync(a, [meeting.GetGrainId()]))[meeting.GetGrainId()];
        var remote = meetingHost == a.Address ? b : a;
        Assert.True((await remote.Grains.GetGrain<IMeetingGrain>(meeting.GetPrimaryKey()).GetAsync(owner))!.Locked);
    }

    /// <summary>Which silo holds the activation of each grain (from the management grain's statistics).</summary>
    private static async Task<Dictionary<GrainId, SiloAddress>> HostingSilosAsync(PostgresSilo through, IEnumerable<GrainId> grains)
    {
        var wanted = grains.ToHashSet();
        var stats = await through.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return stats.Where(s => wanted.Contains(s.GrainId)).ToDictionary(s => s.GrainId, s => s.SiloAddress);
    }
}
