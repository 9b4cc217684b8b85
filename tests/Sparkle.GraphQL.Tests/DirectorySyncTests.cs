using System.Globalization;
using Sparkle.Client;

namespace Sparkle.GraphQL.Tests;

/// <summary>HR/OA sync through the API with the tenant's narrow-scope sync token (tenant demo2, so the
/// other tests' directory entries in demo are not disturbed by full syncs).</summary>
[Collection(ApiCollection.Name)]
public sealed class DirectorySyncTests(ApiFixture api)
{
    private static DirectorySyncBatch Batch(SyncMode mode, int contacts, string prefix, int departments = 20) =>
        new(mode,
            Enumerable.Range(0, departments).Select(d => new Department($"{prefix}-d{d}", $"Department {d}")).ToList(),
            Enumerable.Range(0, contacts).Select(i => new Contact(
                $"{prefix}-c{i}",
                $"Employee {i:D5}",
                $"{prefix}-d{i % departments}",
                SipNumber: (200000 + i).ToString(CultureInfo.InvariantCulture),
                Email: $"e{i}@demo2.sparkle.test")).ToList());

    [Fact]
    public async Task TenThousandContactsInOneCallAndTheSameBatchTwiceChangesNothing()
    {
        var sync = api.Client(api.Demo.Demo2.SyncToken);
        var batch = Batch(SyncMode.Full, 10_000, "big");

        var first = await sync.SyncDirectoryAsync(batch);
        var second = await sync.SyncDirectoryAsync(batch);

        // Reports count contacts and departments (20 of them).
        Assert.Equal(10_020, first.Created);
        Assert.Empty(first.Rejected);
        Assert.Equal(0, second.Created);
        Assert.Equal(0, second.Updated);
        Assert.Equal(0, second.Deleted);
        Assert.Equal(10_020, second.Unchanged);

        // The contacts are there for the tenant's users.
        var found = await api.Client(api.Demo.Demo2.Member).SearchDirectoryAsync("Employee 09999");
        var contact = Assert.Single(found);
        Assert.Equal("big-c9999", contact.ExternalId);
        Assert.Equal("209999", contact.SipNumber);
    }

    [Fact]
    public async Task FullSyncDeletesWhatItOmitsAndDeltaOnlyWhatItNames()
    {
        var sync = api.Client(api.Demo.Demo2.SyncToken);
        await sync.SyncDirectoryAsync(Batch(SyncMode.Full, 10, "fd"));

        var full = await sync.SyncDirectoryAsync(Batch(SyncMode.Full, 6, "fd"));
        Assert.Equal(4, full.Deleted);
        Assert.Equal(6 + 20, full.Unchanged); // contacts and departments

        var changed = new Contact("fd-c0", "Employee renamed", "fd-d0", SipNumber: "200000", Email: "e0@demo2.sparkle.test");
        var added = new Contact("fd-new", "Newcomer", null, Mobile: "+8613900000000");
        var delta = await sync.SyncDirectoryAsync(new DirectorySyncBatch(SyncMode.Delta, [], [changed, added], DeleteContactIds: ["fd-c1"]));
        Assert.Equal(1, delta.Created);
        Assert.Equal(1, delta.Updated);
        Assert.Equal(1, delta.Deleted);

        var member = api.Client(api.Demo.Demo2.Member);
        Assert.Single(await member.SearchDirectoryAsync("Employee renamed"));
        Assert.Single(await member.SearchDirectoryAsync("Newcomer"));
        Assert.Empty(await member.SearchDirectoryAsync("Employee 00001"));
        Assert.Single(await member.SearchDirectoryAsync("Employee 00002"));
    }

    [Fact]
    public async Task RejectedRowsComeWithReasonsAndTheRestIsApplied()
    {
        var sync = api.Client(api.Demo.Demo2.SyncToken);
        var good = new Contact("rj-ok", "Valid Person", null, SipNumber: "3001");
        var noNumber = new Contact("rj-nonumber", "No Number", null);

        var report = await sync.SyncDirectoryAsync(new DirectorySyncBatch(SyncMode.Delta, [], [good, noNumber]));

        Assert.Equal(1, report.Created);
        var rejection = Assert.Single(report.Rejected);
        Assert.Equal("rj-nonumber", rejection.ExternalId);
        Assert.False(string.IsNullOrWhiteSpace(rejection.Reason));
    }

    [Fact]
    public async Task SyncTokenOfOneTenantOnlySyncsItsOwnDirectory()
    {
        var demoSync = api.Client(api.Demo.Demo.SyncToken);

        await demoSync.SyncDirectoryAsync(new DirectorySyncBatch(SyncMode.Delta, [], [new Contact("only-demo", "Only In Demo", null, SipNumber: "4001")]));

        Assert.Empty(await api.Client(api.Demo.Demo2.Member).SearchDirectoryAsync("Only In Demo"));
        Assert.Single(await api.Client(api.Demo.Demo.Member).SearchDirectoryAsync("Only In Demo"));
    }
}
