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

        // Grains made through each silo (placement keeps them local), then read and changed through the
        // other: every call below crosses from one silo to the other.
        var tenants = Enumerable.Range(0, 10).Select(i => (Id: Guid.NewGuid(), Maker: i % 2 == 0 ? a : b, Other: i % 2 == 0 ? b : a)).ToList();
        foreach (var (id, maker, _) in tenants)
        {
            var tenant = maker.Grains.GetGrain<ITenantGrain>(id);
            await tenant.CreateAsync(Caller.Operator, $"two-{id:N}", [$"t{id:N}.test"], new TenantPolicies());
            await tenant.AddUserAsync(Caller.System(id), new UserSpec("1001", "Owner", Role.Owner));
        }

        foreach (var (id, maker, other) in tenants)
        {
            Assert.Equal($"two-{id:N}", (await other.Grains.GetGrain<ITenantGrain>(id).GetAsync(Caller.User(id, "1001"))).Name);
            await other.Grains.GetGrain<ITenantGrain>(id).AddUserAsync(Caller.System(id), new UserSpec("1002", "Second", Role.Member));
            Assert.Equal(Role.Member, await maker.Grains.GetGrain<ITenantGrain>(id).GetRoleAsync("1002"));
        }

        var meeting = b.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        var owner = Caller.User(tenants[0].Id, "1001");
        await meeting.CreateAsync(owner, new MeetingSpec("Across", []));
        await a.Grains.GetGrain<IMeetingGrain>(meeting.GetPrimaryKey()).SetLockedAsync(owner, true);
        Assert.True((await meeting.GetAsync(owner))!.Locked);

        var activations = await a.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var silosHostingTenants = activations.Where(s => s.GrainType.Contains("TenantGrain", StringComparison.Ordinal)).Select(s => s.SiloAddress).Distinct().Count();
        Assert.Equal(2, silosHostingTenants);
    }
}
