using System.Globalization;
using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Listings;
using Sparkle.GraphQL.Paging;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Webhooks;

public static class WebhookQueries
{
    private const string List = "webhookDeliveries";
    private const string Order = "created_desc";

    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<WebhookType>>>>("webhooks")
            .Description("The tenant's webhooks (owners).")
            .ResolveAsync(async ctx =>
            {
                var caller = await WebhookAccess.RequireAsync(ctx);
                return await ctx.Service<WebhookStore>().ListAsync(caller.TenantId);
            });

        query.Field<NonNullGraphType<ConnectionGraphType<WebhookDeliveryType, WebhookDeliveryRecord>>>("webhookDeliveries")
            .Description("The delivery log of a webhook, newest first, one page (keyset on the log in PostgreSQL).")
            .Argument<NonNullGraphType<IdGraphType>>("webhookId")
            .PagingArguments()
            .ResolveAsync(async ctx =>
            {
                var caller = await WebhookAccess.RequireAsync(ctx);
                var first = Pager.First(ctx);
                var after = Pager.After(ctx, List, Order, p => Guid.TryParse(p.Id, out _)
                    && long.TryParse(p.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks);
                (DateTimeOffset, Guid)? before = after is null
                    ? null
                    : (new DateTimeOffset(long.Parse(after.Key, CultureInfo.InvariantCulture), TimeSpan.Zero), Guid.Parse(after.Id));
                var (items, more, total) = await ctx.Service<WebhookStore>().ListDeliveriesAsync(caller.TenantId, ctx.GetArgument<Guid>("webhookId"), first, before);
                var edges = items.Select(d => new Edge<WebhookDeliveryRecord>(
                    ListingCursor.Encode(List, Order, new ListingPosition(Pager.TimeKey(d.CreatedAt), d.Id.ToString("D"))), d)).ToList();
                return new Connection<WebhookDeliveryRecord>(edges, more, edges.Count == 0 ? null : edges[^1].Cursor, total);
            });
    }
}
