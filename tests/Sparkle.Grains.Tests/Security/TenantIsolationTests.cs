using Sparkle.Grains.Directory;
using Sparkle.Grains.Gateway;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Tenants;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Security;

/// <summary>A grain of tenant A refuses every caller of tenant B, even B's owner and B's platform
/// components, as NotFound: B learns nothing about A.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TenantIsolationTests(ClusterFixture fixture)
{
    public static TheoryData<string> Outsiders() => new() { "owner", "system", "sync" };

    private static Caller Outsider(TestTenant b, string who) => who switch
    {
        "owner" => b.Owner,
        "system" => b.System,
        _ => Caller.Sync(b.Id),
    };

    [Theory]
    [MemberData(nameof(Outsiders))]
    public async Task GrainsOfTenantARefuseCallersOfTenantB(string who)
    {
        var a = await TestTenant.CreateAsync(fixture.Grains);
        var b = await TestTenant.CreateAsync(fixture.Grains);
        var intruder = Outsider(b, who);
        var g = fixture.Grains;

        var plan = g.GetGrain<IMeetingPlanGrain>(Guid.NewGuid());
        await plan.CreateAsync(a.Member, new MeetingPlanSpec("A's plan", []));
        var meeting = g.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await meeting.CreateAsync(a.Chair, new MeetingSpec("A's meeting", [new PlannedParticipant("1004")]));
        await g.GetGrain<IDirectoryGrain>(a.Id).UpsertContactAsync(a.Manager, new Contact("c1", "Secret", null, "2000", null, null, null, null));

        var calls = new (string What, Func<Task> Call)[]
        {
            ("tenant", () => a.Tenant.GetAsync(intruder)),
            ("users", () => a.Tenant.ListUsersAsync(intruder)),
            ("add user", () => a.Tenant.AddUserAsync(intruder, new UserSpec("4000", "Mole", Role.Owner))),
            ("user", () => g.GetGrain<IUserGrain>(UserKey.For(a.Id, "1004")).GetAsync(intruder)),
            ("digest", () => g.GetGrain<IUserGrain>(UserKey.For(a.Id, "1004")).GetDigestCredentialsAsync(intruder)),
            ("directory", () => g.GetGrain<IDirectoryGrain>(a.Id).SearchAsync(intruder, null, 10)),
            ("directory sync", () => g.GetGrain<IDirectoryGrain>(a.Id).SyncAsync(intruder, new DirectorySyncBatch(SyncMode.Full, [], []))),
            ("contacts", () => g.GetGrain<IPersonalContactsGrain>(UserKey.For(a.Id, "1004")).ListAsync(intruder)),
            ("registrations", () => g.GetGrain<IRegistrationGrain>(UserKey.For(a.Id, "1004")).GetBindingsAsync(intruder)),
            ("plan", () => plan.GetAsync(intruder)),
            ("plans", () => g.GetGrain<ITenantCatalogGrain>(a.Id).ListPlansAsync(intruder)),
            ("meetings", () => g.GetGrain<ITenantCatalogGrain>(a.Id).ListMeetingsAsync(intruder)),
            ("meeting", () => meeting.GetAsync(intruder)),
            ("end", () => meeting.EndAsync(intruder)),
            ("mute", () => meeting.SetMutedAsync(intruder, "p1", true)),
            ("events", () => meeting.GetEventsSinceAsync(intruder, 0)),
        };

        foreach (var (what, call) in calls)
        {
            var error = await Record.ExceptionAsync(call);
            Assert.True(error is NotFoundException, $"{what}: expected NotFound, got {error?.GetType().Name ?? "success"}");
        }

        var join = await meeting.JoinAsync(intruder, new JoinRequest("x", "sip:1001@b.test", null, null, "v=0\r\n", new LegSecurity(true, true), null));
        Assert.Equal(JoinRefusal.NotFound, join.Refusal);
        Assert.NotEmpty(await g.GetGrain<IDirectoryGrain>(a.Id).SearchAsync(a.Member, "Secret", 10));
        Assert.Equal(MeetingStatus.Scheduled, (await meeting.GetAsync(a.Member))!.Status);
    }

    [Fact]
    public async Task AUserOfTheSameTenantCannotReadAnothersPersonalContacts()
    {
        var a = await TestTenant.CreateAsync(fixture.Grains);
        var mine = fixture.Grains.GetGrain<IPersonalContactsGrain>(UserKey.For(a.Id, "1004"));
        await mine.UpsertAsync(a.Member, new Contact("", "Mum", null, null, "+491701234567", null, null, null));

        Assert.Single(await mine.ListAsync(a.Member));
        await Assert.ThrowsAsync<NotFoundException>(() => mine.ListAsync(a.Owner));
    }
}
