using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Meetings;

public static class MeetingQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<MeetingType>>>>("meetings")
            .Description("The meetings the caller may see, newest first.")
            .Argument<MeetingStatusType>("status", a => a.Description = "Only meetings in this state.")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var grains = ctx.Grains();
                var ids = await grains.GetGrain<ITenantCatalogGrain>(caller.TenantId).ListMeetingsAsync(caller);
                var meetings = await Task.WhenAll(ids.Select(id => grains.GetGrain<IMeetingGrain>(id).GetAsync(caller)));
                var status = ctx.GetArgument<MeetingStatus?>("status");
                return meetings.OfType<MeetingSnapshot>()
                    .Where(m => status is null || m.Status == status)
                    .OrderByDescending(m => m.CreatedAt)
                    .ToList();
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
