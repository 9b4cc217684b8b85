using Sparkle.Grains.Identity;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Plans;

[Collection(ClusterCollection.Name)]
public sealed class MeetingPlanGrainTests(ClusterFixture fixture)
{
    private static readonly MeetingPlanSpec s_spec = new("Weekly", [new PlannedParticipant("1005", MeetingRole: Role.Chair), new PlannedParticipant("+4930123456", "Office")], Pin: "1234");

    [Fact]
    public async Task SharingGivesEachOperatorAnIndependentCopy()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var original = fixture.Grains.GetGrain<IMeetingPlanGrain>(Guid.NewGuid());
        await original.CreateAsync(t.Member, s_spec);

        var copies = await original.ShareAsync(t.Member, ["1003", "1005"]);

        Assert.Equal(["1003", "1005"], copies.Select(c => c.OwnerNumber).Order());
        Assert.All(copies, c => Assert.Equal(original.GetPrimaryKey(), c.CopiedFrom));
        var chairs = fixture.Grains.GetGrain<IMeetingPlanGrain>(copies.Single(c => c.OwnerNumber == "1003").Id);
        await chairs.UpdateAsync(t.Chair, s_spec with { Title = "Chair's version" });

        Assert.Equal("Weekly", (await original.GetAsync(t.Member))!.Spec.Title);
        Assert.Equal("Chair's version", (await chairs.GetAsync(t.Chair))!.Spec.Title);
        await Assert.ThrowsAsync<AccessDeniedException>(() => chairs.UpdateAsync(t.Member, s_spec));
        var catalog = fixture.Grains.GetGrain<ITenantCatalogGrain>(t.Id);
        Assert.Equal([chairs.GetPrimaryKey()], await catalog.ListPlansAsync(t.Chair));
        Assert.Equal(3, (await catalog.ListPlansAsync(t.Manager)).Count);
    }

    [Fact]
    public async Task SharingWithSomeoneWhoCannotOwnPlansIsRefused()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var plan = fixture.Grains.GetGrain<IMeetingPlanGrain>(Guid.NewGuid());
        await plan.CreateAsync(t.Member, s_spec);

        await Assert.ThrowsAsync<ValidationException>(() => plan.ShareAsync(t.Member, ["1000"]));
        await Assert.ThrowsAsync<ValidationException>(() => plan.ShareAsync(t.Member, ["9999"]));
        Assert.Single(await fixture.Grains.GetGrain<ITenantCatalogGrain>(t.Id).ListPlansAsync(t.Manager));
    }

    [Fact]
    public async Task DeletedPlanLeavesTheCatalog()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var plan = fixture.Grains.GetGrain<IMeetingPlanGrain>(Guid.NewGuid());
        await plan.CreateAsync(t.Member, s_spec);

        await plan.DeleteAsync(t.Member);

        Assert.Null(await plan.GetAsync(t.Member));
        Assert.Empty(await fixture.Grains.GetGrain<ITenantCatalogGrain>(t.Id).ListPlansAsync(t.Manager));
    }

    [Theory]
    [InlineData("", "1234")]
    [InlineData("Title", "12")]
    [InlineData("Title", "abcd")]
    public async Task InvalidPlansAreRefused(string title, string pin)
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);

        await Assert.ThrowsAsync<ValidationException>(() =>
            fixture.Grains.GetGrain<IMeetingPlanGrain>(Guid.NewGuid()).CreateAsync(t.Member, s_spec with { Title = title, Pin = pin }));
    }
}
