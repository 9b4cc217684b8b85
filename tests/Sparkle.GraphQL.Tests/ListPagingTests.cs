using Sparkle.Client;

namespace Sparkle.GraphQL.Tests;

/// <summary>The list fields as cursor connections through the real API host and SDK: pages, filters, orders,
/// the member's view, and cursors that are refused as INVALID_CURSOR rather than guessed at.</summary>
[Collection(ApiCollection.Name)]
public sealed class ListPagingTests(ApiFixture api)
{
    [Fact]
    public async Task MeetingsPageThroughTheSdkWithFiltersAndTheMembersView()
    {
        var token = "pg" + Guid.NewGuid().ToString("N")[..8];
        var owner = api.Client(api.Demo.Demo.Owner);
        var member = api.Client(api.Demo.Demo.Member);
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await owner.CreateMeetingAsync($"{token} owner {i}", [])).Id);
        }
        var membersOwn = await member.CreateMeetingAsync($"{token} member", []);

        var seen = new List<Guid>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await owner.ListMeetingsAsync(new MeetingQuery(TitleContains: token.ToUpperInvariant(), OrderBy: MeetingOrder.CreatedAsc), 2, after);
            Assert.Equal(6, page.TotalCount);
            seen.AddRange(page.Items.Select(m => m.Id));
            after = page.HasNextPage ? page.EndCursor : null;
            pages++;
        }
        while (after is not null);

        Assert.Equal(3, pages);
        Assert.Equal(created.Append(membersOwn.Id), seen);

        var mine = await member.ListMeetingsAsync(new MeetingQuery(TitleContains: token));
        Assert.Equal([membersOwn.Id], mine.Items.Select(m => m.Id));
        Assert.Equal(1, mine.TotalCount);

        var byTitle = await owner.ListMeetingsAsync(new MeetingQuery(TitleContains: token, Status: MeetingStatus.Scheduled, OrderBy: MeetingOrder.TitleAsc), 1);
        Assert.Equal(membersOwn.Id, byTitle.Items.Single().Id);
        Assert.True(byTitle.HasNextPage);
    }

    [Fact]
    public async Task EdgesCarryCursorsAndTheDefaultOrderIsNewestFirst()
    {
        var token = "pg" + Guid.NewGuid().ToString("N")[..8];
        var owner = api.Client(api.Demo.Demo.Owner);
        var older = await owner.CreateMeetingAsync($"{token} older", []);
        var newer = await owner.CreateMeetingAsync($"{token} newer", []);
        var data = (await owner.ExecuteAsync(
            "query($t: String) { meetings(titleContains: $t, first: 1) { edges { cursor node { id } } nodes { id } pageInfo { hasNextPage endCursor } totalCount } }",
            new { t = token })).Field("meetings");
        var edge = data.GetProperty("edges")[0];
        Assert.Equal(newer.Id, edge.GetProperty("node").GetProperty("id").GetGuid());
        Assert.Equal(edge.GetProperty("cursor").GetString(), data.GetProperty("pageInfo").GetProperty("endCursor").GetString());
        Assert.True(data.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.Equal(2, data.GetProperty("totalCount").GetInt32());

        var next = (await owner.ExecuteAsync(
            "query($t: String, $a: String) { meetings(titleContains: $t, first: 1, after: $a, orderBy: created_desc) { nodes { id } pageInfo { hasNextPage } } }",
            new { t = token, a = edge.GetProperty("cursor").GetString() })).Field("meetings");
        Assert.Equal(older.Id, next.GetProperty("nodes")[0].GetProperty("id").GetGuid());
        Assert.False(next.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        // A cursor of another order or list is refused.
        var otherOrder = await owner.ExecuteAsync("query($a: String) { meetings(after: $a, orderBy: title_asc) { totalCount } }",
            new { a = edge.GetProperty("cursor").GetString() });
        Assert.Equal("INVALID_CURSOR", otherOrder.ErrorCode);
        var otherList = await owner.ExecuteAsync("query($a: String) { users(after: $a) { totalCount } }",
            new { a = edge.GetProperty("cursor").GetString() });
        Assert.Equal("INVALID_CURSOR", otherList.ErrorCode);
    }

    [Theory]
    [InlineData("meetings")]
    [InlineData("users")]
    [InlineData("meetingPlans")]
    [InlineData("myContacts")]
    public async Task MalformedCursorsAreInvalidCursorErrors(string field)
    {
        var owner = api.Client(api.Demo.Demo.Owner);
        // Not base64url; base64url of not-JSON; JSON of the wrong shape; a meeting cursor whose id is no uuid.
        string[] cursors = ["!!!", "bm90IGpzb24", "WyIxIl0", "WyIxIiwibWVldGluZ3MiLCJDcmVhdGVkRGVzYyIsIjEiLCJ4Il0"];
        foreach (var cursor in cursors)
        {
            var response = await owner.ExecuteAsync($"query($a: String) {{ {field}(after: $a) {{ totalCount }} }}", new { a = cursor });
            Assert.Equal("INVALID_CURSOR", response.ErrorCode);
        }

        Assert.Equal("BAD_USER_INPUT", (await owner.ExecuteAsync($"{{ {field}(first: 201) {{ totalCount }} }}")).ErrorCode);
    }

    [Fact]
    public async Task UsersPageBySearchRoleAndName()
    {
        var owner = api.Client(api.Demo.Demo.Owner);
        var managers = await owner.ListUsersAsync(new UserQuery(Role: Role.Manager));
        Assert.Contains(managers.Items, u => u.Number == "1002");
        Assert.All(managers.Items, u => Assert.Equal(Role.Manager, u.Role));

        var first = await owner.ListUsersAsync(new UserQuery(Search: "10"), 3);
        var second = await owner.ListUsersAsync(new UserQuery(Search: "10"), 3, first.EndCursor);
        Assert.Equal(["1001", "1002", "1003"], first.Items.Select(u => u.Number));
        Assert.Equal(["1004", "1005", "1006"], second.Items.Select(u => u.Number));

        var byName = await owner.ListUsersAsync(new UserQuery(OrderBy: UserOrder.NameAsc), 200);
        Assert.Equal(byName.Items.Select(u => u.DisplayName.ToLowerInvariant()).Order(StringComparer.Ordinal), byName.Items.Select(u => u.DisplayName.ToLowerInvariant()));
    }
}
