using Sparkle.Grains.Directory;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Directory;

[Collection(ClusterCollection.Name)]
public sealed class DirectoryGrainTests(ClusterFixture fixture)
{
    private static Contact Person(int i, string? name = null) =>
        new($"hr-{i}", name ?? $"Person {i:D5}", $"d-{i % 10}", $"{20000 + i}", $"+4917{i:D8}", null, $"p{i}@example.test", null);

    private static IReadOnlyList<Department> Departments() =>
        Enumerable.Range(0, 10).Select(i => new Department($"d-{i}", $"Department {i}", null)).ToList();

    [Fact]
    public async Task TenThousandContactsInOneFullSyncAreIdempotent()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var directory = fixture.Grains.GetGrain<IDirectoryGrain>(t.Id);
        var batch = new DirectorySyncBatch(SyncMode.Full, Departments(), Enumerable.Range(0, 10_000).Select(i => Person(i)).ToList());

        var first = await directory.SyncAsync(Caller.Sync(t.Id), batch);
        var second = await directory.SyncAsync(Caller.Sync(t.Id), batch);

        Assert.Equal(10_010, first.Created);
        Assert.Equal((0, 0, 0), (first.Updated, first.Deleted, first.Unchanged));
        Assert.Empty(first.Rejected);
        Assert.Equal((0, 0, 0, 10_010), (second.Created, second.Updated, second.Deleted, second.Unchanged));
        Assert.Equal("Person 09999", (await directory.GetContactAsync(t.Member, "hr-9999"))!.DisplayName);
        Assert.Equal(10, (await directory.ListDepartmentsAsync(t.Member)).Count);
    }

    [Fact]
    public async Task FullSyncDeletesWhatItOmitsDeltaOnlyWhatItNames()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var directory = fixture.Grains.GetGrain<IDirectoryGrain>(t.Id);
        var sync = Caller.Sync(t.Id);
        await directory.SyncAsync(sync, new DirectorySyncBatch(SyncMode.Full, [], [Person(1), Person(2), Person(3)]));

        var delta = await directory.SyncAsync(sync, new DirectorySyncBatch(SyncMode.Delta, [], [Person(1, "Renamed"), Person(4)], DeleteContactIds: ["hr-2"]));
        Assert.Equal((1, 1, 1, 0), (delta.Created, delta.Updated, delta.Deleted, delta.Unchanged));
        Assert.Equal(["hr-1", "hr-3", "hr-4"], (await directory.SearchAsync(t.Member, null, 100)).Select(c => c.ExternalId).Order());

        var full = await directory.SyncAsync(sync, new DirectorySyncBatch(SyncMode.Full, [], [Person(4)]));
        Assert.Equal((0, 0, 2, 1), (full.Created, full.Updated, full.Deleted, full.Unchanged));
        Assert.Equal(["hr-4"], (await directory.SearchAsync(t.Member, null, 100)).Select(c => c.ExternalId));
    }

    [Fact]
    public async Task InvalidEntriesAreReportedAndChangeNothing()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var directory = fixture.Grains.GetGrain<IDirectoryGrain>(t.Id);

        var report = await directory.SyncAsync(Caller.Sync(t.Id), new DirectorySyncBatch(SyncMode.Delta, [],
        [
            Person(1),
            new Contact("", "No id", null, "2000", null, null, null, null),
            new Contact("hr-2", "No number", null, null, null, null, null, null),
            new Contact("hr-3", "Bad number", null, "12ab", null, null, null, null),
            Person(1),
        ]));

        Assert.Equal(1, report.Created);
        Assert.Equal(4, report.Rejected.Count);
        Assert.Contains(report.Rejected, r => r.ExternalId == "hr-1" && r.Reason.Contains("duplicate", StringComparison.Ordinal));
        Assert.Single(await directory.SearchAsync(t.Member, null, 100));
    }

    [Fact]
    public async Task SearchMatchesNamesAndNumbers()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var directory = fixture.Grains.GetGrain<IDirectoryGrain>(t.Id);
        await directory.UpsertContactAsync(t.Manager, new Contact("a", "Ada Lovelace", null, "2001", null, null, null, "Analyst"));
        await directory.UpsertContactAsync(t.Manager, new Contact("b", "Alan Turing", null, null, "+441234567", null, null, null));

        Assert.Equal("a", Assert.Single(await directory.SearchAsync(t.Member, "lovelace", 10)).ExternalId);
        Assert.Equal("b", Assert.Single(await directory.SearchAsync(t.Member, "4412", 10)).ExternalId);
        Assert.Single(await directory.SearchAsync(t.Member, null, 1));
        Assert.True(await directory.DeleteContactAsync(t.Manager, "a"));
        Assert.False(await directory.DeleteContactAsync(t.Manager, "a"));
    }
}
