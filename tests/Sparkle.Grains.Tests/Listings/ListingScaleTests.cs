using System.Diagnostics;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Listings;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Tenants;
using Sparkle.Grains.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Sparkle.Grains.Tests.Listings;

/// <summary>Issue 11's tenant: 10,000 meetings and 20,000 users, all written through the grains' real write
/// paths (meetings created in parallel, users imported in batches of 1,000), the index on real PostgreSQL.
/// A page is served from the index without activating any meeting grain.
/// Category "Scale": left out of ./test.sh (seeding 10,000 meetings through the tenant catalog takes longer than
/// the whole suite on the 2-core CI machine); run it with `dotnet test tests/Sparkle.Grains.Tests --filter Category=Scale`.</summary>
[Collection(ListingCollection.Name)]
[Trait("Category", "Scale")]
public sealed class ListingScaleTests(ListingFixture fixture, ITestOutputHelper output)
{
    private const int Meetings = 10_000;
    private const int Users = 20_000;

    [Fact]
    public async Task AtenantOfTenThousandMeetingsAndTwentyThousandUsersPagesFromTheIndex()
    {
        var grains = fixture.Grains;
        var tenant = await TestTenant.CreateAsync(grains);
        var clock = Stopwatch.StartNew();
        var created = new (Guid Id, int N)[Meetings];
        for (var start = 0; start < Meetings; start += 32)
        {
            await Task.WhenAll(Enumerable.Range(start, Math.Min(32, Meetings - start)).Select(async n =>
            {
                var id = Guid.NewGuid();
                // Every tenth meeting is the member's own; the rest the manager's.
                var owner = n % 10 == 0 ? tenant.Member : tenant.Manager;
                await grains.GetGrain<IMeetingGrain>(id).CreateAsync(owner, new MeetingSpec($"Scale {n:D5}", []));
                created[n] = (id, n);
            }));
        }

        output.WriteLine($"{Meetings} meetings created in {clock.Elapsed.TotalSeconds:F1} s");
        clock.Restart();
        for (var start = 0; start < Users; start += 1_000)
        {
            await tenant.Tenant.AddUsersAsync(tenant.System, Enumerable.Range(start, 1_000)
                .Select(i => new UserSpec($"{20_000 + i}", $"Person {i:D5}", i % 100 == 0 ? Role.Chair : Role.Member)).ToList());
        }

        output.WriteLine($"{Users} users imported in {clock.Elapsed.TotalSeconds:F1} s");

        // Idle meeting grains go; from here, count what a page activates.
        var management = grains.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        var before = await MeetingActivationsAsync(management);

        var listing = grains.GetGrain<IListingGrain>(tenant.Id);
        var byTitle = new MeetingListQuery(OrderBy: MeetingOrder.TitleAsc);
        var first = await listing.ListMeetingsAsync(tenant.Manager, byTitle, 50, null);
        var deep = await listing.ListMeetingsAsync(tenant.Manager, byTitle, 50, new ListingPosition("scale 09000", created[9000].Id.ToString("D")));
        Assert.Equal(Meetings, first.TotalCount);
        Assert.Equal(created.Take(50).Select(c => c.Id), first.Items.Select(i => i.Id));
        Assert.Equal(created.Skip(9001).Take(50).Select(c => c.Id), deep.Items.Select(i => i.Id));
        Assert.Equal(before, await MeetingActivationsAsync(management));

        // The API then asks only the page's meetings for their details.
        var details = await Task.WhenAll(first.Items.Select(i => grains.GetGrain<IMeetingGrain>(i.Id).GetAsync(tenant.Manager)));
        Assert.Equal(created.Take(50).Select(c => $"Scale {c.N:D5}"), details.Select(d => d!.Spec.Title));
        Assert.InRange(await MeetingActivationsAsync(management) - before, 1, 50);

        // The member: their own tenth, newest first.
        var mine = await listing.ListMeetingsAsync(tenant.Member, new MeetingListQuery(), 200, null);
        Assert.Equal(Meetings / 10, mine.TotalCount);
        // Meetings of one batch of 32 were created at once, so their order among themselves is the scheduler's: the
        // page holds exactly the newest 200 (n >= 8000, a batch boundary) and goes newest first from batch to batch.
        var numberOf = created.ToDictionary(c => c.Id, c => c.N);
        Assert.Equal(created.Where(c => c.N % 10 == 0 && c.N >= 8000).Select(c => c.Id).Order(), mine.Items.Select(i => i.Id).Order());
        var batches = mine.Items.Select(i => numberOf[i.Id] / 32).ToList();
        Assert.Equal(batches.OrderDescending(), batches);

        // Users: the last page by number, a search, a role.
        var users = await listing.ListUsersAsync(tenant.Member, new UserListQuery(), 200, new ListingPosition("39899", "39899"));
        Assert.Equal(Users + 6, users.TotalCount);
        Assert.Equal(Enumerable.Range(39_900, 100).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), users.Items.Select(i => i.Id));
        Assert.False(users.HasNextPage);
        Assert.Equal(["21234"], (await listing.ListUsersAsync(tenant.Member, new UserListQuery(Search: "person 01234"), 50, null)).Items.Select(i => i.Id));
        Assert.Equal(Users / 100 + 1, (await listing.ListUsersAsync(tenant.Member, new UserListQuery(Role: Role.Chair), 50, null)).TotalCount);
    }

    private static async Task<int> MeetingActivationsAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains(nameof(MeetingGrain), StringComparison.Ordinal) && !s.GrainType.Contains("Plan", StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);
}
