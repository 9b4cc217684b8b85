using Sparkle.Grains.Identity;
using Sparkle.Grains.Listings;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Tenants;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Listings;

/// <summary>Pages of the listing index as the API reads them: every item once across pages while items are
/// added, each filter and order, and the catalog's visibility rules.</summary>
[Collection(ListingCollection.Name)]
public sealed class ListingTests(ListingFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task PagesListEveryMeetingOnceWhileMeetingsAreAdded()
    {
        var tenant = await TestTenant.CreateAsync(Grains);
        var original = new List<Guid>();
        for (var i = 0; i < 23; i++)
        {
            original.Add((await CreateAsync(tenant, tenant.Owner, $"Meeting {i:D2}")).Id);
        }

        // Newest first: meetings created while paging are newer than the cursor and never show up twice.
        var seen = new List<Guid>();
        ListingPosition? after = null;
        var added = new List<Guid>();
        do
        {
            var page = await Listing(tenant).ListMeetingsAsync(tenant.Owner, new MeetingListQuery(), 5, after);
            Assert.True(page.Items.Count <= 5);
            seen.AddRange(page.Items.Select(i => i.Id));
            added.Add((await CreateAsync(tenant, tenant.Owner, "Added while paging")).Id);
            after = page.HasNextPage ? page.Items[^1].Position : null;
        }
        while (after is not null);

        Assert.Equal(Enumerable.Reverse(original), seen);

        // Oldest first: the added ones come at the end, each once.
        seen.Clear();
        after = null;
        do
        {
            var page = await Listing(tenant).ListMeetingsAsync(tenant.Owner, new MeetingListQuery(OrderBy: MeetingOrder.CreatedAsc), 4, after);
            seen.AddRange(page.Items.Select(i => i.Id));
            after = page.HasNextPage ? page.Items[^1].Position : null;
        }
        while (after is not null);

        Assert.Equal(original.Concat(added), seen);
        Assert.Equal(original.Count + added.Count,
            (await Listing(tenant).ListMeetingsAsync(tenant.Owner, new MeetingListQuery(), 0, null)).TotalCount);
    }

    [Fact]
    public async Task FiltersAndOrders()
    {
        var tenant = await TestTenant.CreateAsync(Grains);
        var before = DateTimeOffset.UtcNow;
        var alpha = await CreateAsync(tenant, tenant.Owner, "Alpha Review");
        var beta = await CreateAsync(tenant, tenant.Owner, "beta review 100%");
        await Task.Delay(20);
        var middle = DateTimeOffset.UtcNow;
        var gamma = await CreateAsync(tenant, tenant.Owner, "Gamma standup");
        await Grains.GetGrain<IMeetingGrain>(gamma.Id).EndAsync(tenant.Owner);

        async Task<List<Guid>> IdsAsync(MeetingListQuery query) =>
            (await Listing(tenant).ListMeetingsAsync(tenant.Owner, query, 50, null)).Items.Select(i => i.Id).ToList();

        Assert.Equal([beta.Id, alpha.Id], await IdsAsync(new MeetingListQuery(TitleContains: "REVIEW")));
        Assert.Equal([beta.Id], await IdsAsync(new MeetingListQuery(TitleContains: "0%")));
        Assert.Empty(await IdsAsync(new MeetingListQuery(TitleContains: "_")));
        Assert.Equal([gamma.Id], await IdsAsync(new MeetingListQuery(Status: MeetingStatus.Ended)));
        Assert.Equal([beta.Id, alpha.Id], await IdsAsync(new MeetingListQuery(Status: MeetingStatus.Scheduled)));
        Assert.Equal([gamma.Id], await IdsAsync(new MeetingListQuery(CreatedFrom: middle)));
        Assert.Equal([beta.Id, alpha.Id], await IdsAsync(new MeetingListQuery(CreatedFrom: before, CreatedTo: middle)));
        Assert.Equal([alpha.Id, beta.Id, gamma.Id], await IdsAsync(new MeetingListQuery(OrderBy: MeetingOrder.TitleAsc)));
        Assert.Equal([alpha.Id, beta.Id, gamma.Id], await IdsAsync(new MeetingListQuery(OrderBy: MeetingOrder.CreatedAsc)));

        // Title order pages by keyset too.
        var first = await Listing(tenant).ListMeetingsAsync(tenant.Owner, new MeetingListQuery(OrderBy: MeetingOrder.TitleAsc), 2, null);
        var second = await Listing(tenant).ListMeetingsAsync(tenant.Owner, new MeetingListQuery(OrderBy: MeetingOrder.TitleAsc), 2, first.Items[^1].Position);
        Assert.True(first.HasNextPage);
        Assert.False(second.HasNextPage);
        Assert.Equal([gamma.Id], second.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task MembersSeeTheirOwnAndInvitedMeetingsAndOtherTenantsNone()
    {
        var tenant = await TestTenant.CreateAsync(Grains);
        var managers = await CreateAsync(tenant, tenant.Manager, "Managers only");
        var invited = await CreateAsync(tenant, tenant.Manager, "Member invited", new PlannedParticipant("1004"));
        var own = await CreateAsync(tenant, tenant.Member, "Member's own");

        async Task<List<Guid>> IdsAsync(Caller caller) =>
            (await Listing(tenant).ListMeetingsAsync(caller, new MeetingListQuery(), 50, null)).Items.Select(i => i.Id).ToList();

        Assert.Equal([own.Id, invited.Id, managers.Id], await IdsAsync(tenant.Manager));
        Assert.Equal([own.Id, invited.Id], await IdsAsync(tenant.Member));
        Assert.Empty(await IdsAsync(tenant.OtherMember));
        Assert.Equal(
            (await Grains.GetGrain<ITenantCatalogGrain>(tenant.Id).ListMeetingsAsync(tenant.Member)).Order(),
            (await IdsAsync(tenant.Member)).Order());

        // Another tenant's callers: refused on this tenant, and their own lists hold none of these.
        var other = await TestTenant.CreateAsync(Grains);
        await Assert.ThrowsAsync<NotFoundException>(() => Listing(tenant).ListMeetingsAsync(other.Owner, new MeetingListQuery(), 50, null));
        await Assert.ThrowsAsync<NotFoundException>(() => Listing(tenant).ListUsersAsync(other.Owner, new UserListQuery(), 50, null));
        Assert.Empty((await Listing(other).ListMeetingsAsync(other.Owner, new MeetingListQuery(), 50, null)).Items);
        Assert.Equal(6, (await Listing(other).ListUsersAsync(other.Owner, new UserListQuery(), 200, null)).TotalCount);

        // A deleted meeting leaves the index with it.
        await Grains.GetGrain<IMeetingGrain>(own.Id).DeleteAsync(tenant.Manager);
        Assert.Equal([invited.Id], await IdsAsync(tenant.Member));
    }

    [Fact]
    public async Task AnEndedMeetingLeavesTheLiveCatalogAndStaysInTheHistoryForThoseWhoSawIt()
    {
        var tenant = await TestTenant.CreateAsync(Grains);
        var live = await CreateAsync(tenant, tenant.Manager, "Still on", new PlannedParticipant("1004"));
        var ended = await CreateAsync(tenant, tenant.Manager, "Over", new PlannedParticipant("1004"));
        var catalog = Grains.GetGrain<ITenantCatalogGrain>(tenant.Id);
        Assert.Equal(ended.Id, await catalog.FindMeetingAsync(ended.ConferenceNumber));

        await Grains.GetGrain<IMeetingGrain>(ended.Id).EndAsync(tenant.Manager);

        // Its number finds nothing any more, and the live list (what the webhook watcher walks) holds only the other.
        Assert.Null(await catalog.FindMeetingAsync(ended.ConferenceNumber));
        Assert.Equal(live.Id, await catalog.FindMeetingAsync(live.ConferenceNumber));
        Assert.Equal([live.Id], await catalog.ListMeetingsAsync(tenant.Manager));
        // The paged history still lists it, to the same people.
        async Task<List<Guid>> IdsAsync(Caller caller) =>
            (await Listing(tenant).ListMeetingsAsync(caller, new MeetingListQuery(), 50, null)).Items.Select(i => i.Id).ToList();
        Assert.Equal([ended.Id, live.Id], await IdsAsync(tenant.Member));
        Assert.Empty(await IdsAsync(tenant.OtherMember));
        Assert.Equal(MeetingStatus.Ended, (await Grains.GetGrain<IMeetingGrain>(ended.Id).GetAsync(tenant.Member))!.Status);
    }

    [Fact]
    public async Task UsersBySearchRoleAndOrder()
    {
        var tenant = await TestTenant.CreateAsync(Grains);
        await tenant.Tenant.AddUsersAsync(tenant.System,
        [
            new UserSpec("2001", "Zoe Quinn", Role.Member),
            new UserSpec("2002", "adam smith", Role.Chair),
            new UserSpec("3999", "Bea Zed", Role.Member),
        ]);

        async Task<List<string>> NumbersAsync(UserListQuery query, int first = 50) =>
            (await Listing(tenant).ListUsersAsync(tenant.Member, query, first, null)).Items.Select(i => i.Id).ToList();

        Assert.Equal(["1000", "1001", "1002", "1003", "1004", "1005", "2001", "2002", "3999"], await NumbersAsync(new UserListQuery()));
        Assert.Equal(["2001", "3999"], await NumbersAsync(new UserListQuery(Search: "Z")));
        Assert.Equal(["3999"], await NumbersAsync(new UserListQuery(Search: "399")));
        Assert.Equal(["1003", "2002"], await NumbersAsync(new UserListQuery(Role: Role.Chair)));
        Assert.Equal(["2002", "3999", "1000"], await NumbersAsync(new UserListQuery(OrderBy: UserOrder.NameAsc), 3));

        await tenant.Tenant.SetUserRoleAsync(tenant.Owner, "2001", Role.Chair);
        await tenant.Tenant.RemoveUserAsync(tenant.Owner, "2002");
        Assert.Equal(["1003", "2001"], await NumbersAsync(new UserListQuery(Role: Role.Chair)));

        var page = await Listing(tenant).ListUsersAsync(tenant.Member, new UserListQuery(), 4, null);
        var rest = await Listing(tenant).ListUsersAsync(tenant.Member, new UserListQuery(), 50, page.Items[^1].Position);
        Assert.Equal(8, page.TotalCount);
        Assert.Equal(["1004", "1005", "2001", "3999"], rest.Items.Select(i => i.Id));
        Assert.False(rest.HasNextPage);
    }

    private IListingGrain Listing(TestTenant tenant) => Grains.GetGrain<IListingGrain>(tenant.Id);

    private Task<MeetingSnapshot> CreateAsync(TestTenant tenant, Caller caller, string title, params PlannedParticipant[] participants) =>
        Grains.GetGrain<IMeetingGrain>(Guid.NewGuid()).CreateAsync(caller, new MeetingSpec(title, participants));
}
