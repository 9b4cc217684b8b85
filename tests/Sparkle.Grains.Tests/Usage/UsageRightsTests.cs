using Sparkle.Grains.Identity;
using Sparkle.Grains.Tests.Infrastructure;
using Sparkle.Grains.Usage;

namespace Sparkle.Grains.Tests.Usage;

/// <summary>Who reads usage, decided in the usage grain: owners and managers their own tenant, the platform operator any
/// tenant (and every tenant's legs at once); members and participants are refused; another tenant's users get NotFound,
/// never a hint that the tenant exists.</summary>
[Collection(UsageCollection.Name)]
public sealed class UsageRightsTests(UsageFixture fixture)
{
    private static readonly DateTimeOffset From = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day = new(2026, 5, 1);

    [Fact]
    public async Task OwnersManagersAndTheOperatorReadTheTenantsUsage()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var leg = UsageLedgerTests.Leg(t.Id, Guid.NewGuid(), "p", From.AddHours(1), TimeSpan.FromMinutes(2));
        await fixture.Ledger.AppendLegsAsync([leg]);
        var usage = fixture.Grains.GetGrain<IUsageGrain>(t.Id);

        foreach (var caller in new[] { t.Owner, t.Manager, Caller.Operator })
        {
            Assert.Equal([leg], (await usage.ListLegsAsync(caller, From, From.AddDays(1), 50, null)).Items);
            var day = Assert.Single(await usage.DailyAsync(caller, Day, Day));
            Assert.Equal(2, day.ParticipantMinutes);
        }

        // The operator's view of every tenant holds this tenant's leg too.
        var all = await fixture.Grains.GetGrain<IUsageGrain>(Guid.Empty).ListLegsAsync(Caller.Operator, From, From.AddDays(1), 500, null);
        Assert.Contains(leg, all.Items);
    }

    [Fact]
    public async Task MembersAndParticipantsAreRefusedAndOtherTenantsFindNothing()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var other = await TestTenant.CreateAsync(fixture.Grains);
        await fixture.Ledger.AppendLegsAsync([UsageLedgerTests.Leg(t.Id, Guid.NewGuid(), "p", From.AddHours(1), TimeSpan.FromMinutes(2))]);
        var usage = fixture.Grains.GetGrain<IUsageGrain>(t.Id);

        foreach (var caller in new[] { t.Chair, t.Member, t.Participant })
        {
            await Assert.ThrowsAsync<AccessDeniedException>(() => usage.ListLegsAsync(caller, From, From.AddDays(1), 50, null));
            await Assert.ThrowsAsync<AccessDeniedException>(() => usage.DailyAsync(caller, Day, Day));
        }

        foreach (var caller in new[] { other.Owner, other.Manager, other.System })
        {
            await Assert.ThrowsAsync<NotFoundException>(() => usage.ListLegsAsync(caller, From, From.AddDays(1), 50, null));
            await Assert.ThrowsAsync<NotFoundException>(() => usage.DailyAsync(caller, Day, Day));
        }

        // Every tenant at once is the operator's alone.
        await Assert.ThrowsAsync<NotFoundException>(() =>
            fixture.Grains.GetGrain<IUsageGrain>(Guid.Empty).ListLegsAsync(t.Owner, From, From.AddDays(1), 50, null));
    }

    [Fact]
    public async Task BadRangesAndPageSizesAreRefusedClearly()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var usage = fixture.Grains.GetGrain<IUsageGrain>(t.Id);
        await Assert.ThrowsAsync<ValidationException>(() => usage.ListLegsAsync(t.Owner, From, From.AddDays(-1), 50, null));
        await Assert.ThrowsAsync<ValidationException>(() => usage.ListLegsAsync(t.Owner, From, From.AddDays(1), 501, null));
        await Assert.ThrowsAsync<ValidationException>(() => usage.DailyAsync(t.Owner, Day, Day.AddDays(-1)));
        await Assert.ThrowsAsync<ValidationException>(() => usage.DailyAsync(t.Owner, Day, Day.AddDays(366)));
        await Assert.ThrowsAsync<ValidationException>(() =>
            usage.ListLegsAsync(t.Owner, From, From.AddDays(1), 5, new Sparkle.Grains.Listings.ListingPosition("x", "y")));
    }
}
