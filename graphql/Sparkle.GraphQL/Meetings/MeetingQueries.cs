using System.Globalization;
using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Listings;
using Sparkle.Grains.Meetings;
using Sparkle.GraphQL.Paging;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Meetings;

public static class MeetingQueries
{
    private const string List = "meetings";

    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ConnectionGraphType<MeetingType, MeetingSnapshot>>>("meetings")
            .Description("The meetings the caller may see (managers: all; others: owned or invited), one page. "
                + "Read from the listing index by keyset: only the page's meetings are asked for their details.")
            .PagingArguments()
            .Argument<StringGraphType>("titleContains", a => a.Description = "Only titles containing this text (case-insensitive).")
            .Argument<MeetingStatusType>("status", a => a.Description = "Only meetings in this state.")
            .Argument<DateTimeOffsetGraphType>("createdFrom", a => a.Description = "Only meetings created at or after this time.")
            .Argument<DateTimeOffsetGraphType>("createdTo", a => a.Description = "Only meetings created before this time.")
            .Argument<MeetingOrderType>("orderBy", a => a.DefaultValue = MeetingOrder.CreatedDesc)
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var grains = ctx.Grains();
                var first = Pager.First(ctx);
                var order = ctx.GetArgument("orderBy", MeetingOrder.CreatedDesc);
                var after = Pager.After(ctx, List, order.ToString(), p => Guid.TryParse(p.Id, out _)
                    && (order == MeetingOrder.TitleAsc || long.TryParse(p.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)));
                var query = new MeetingListQuery(
                    ctx.GetArgument<string?>("titleContains"),
                    ctx.GetArgument<MeetingStatus?>("status"),
                    ctx.GetArgument<DateTimeOffset?>("createdFrom"),
                    ctx.GetArgument<DateTimeOffset?>("createdTo"),
                    order);
                var page = await grains.GetGrain<IListingGrain>(caller.TenantId).ListMeetingsAsync(caller, query, first, after);
                var details = await Task.WhenAll(page.Items.Select(i => grains.GetGrain<IMeetingGrain>(i.Id).GetAsync(caller)));
                return Pager.FromPage(List, order.ToString(), page, details);
            });

        query.Field<MeetingType>("meeting")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                return await ctx.Grains().GetGrain<IMeetingGrain>(ctx.GetArgument<Guid>("id")).GetAsync(caller);
            });
    }
}
