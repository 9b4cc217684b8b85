using GraphQL;
using GraphQL.Types;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Webhooks;

public static class WebhookQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<WebhookType>>>>("webhooks")
            .Description("The tenant's webhooks (owners).")
            .ResolveAsync(async ctx =>
            {
                var caller = await WebhookAccess.RequireAsync(ctx);
                return await ctx.Service<WebhookStore>().ListAsync(caller.TenantId);
            });

        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<WebhookDeliveryType>>>>("webhookDeliveries")
            .Description("The delivery log of a webhook, newest first.")
            .Argument<NonNullGraphType<IdGraphType>>("webhookId")
            .Argument<IntGraphType>("limit", a => a.DefaultValue = 50)
            .ResolveAsync(async ctx =>
            {
                var caller = await WebhookAccess.RequireAsync(ctx);
                var limit = ctx.GetArgument("limit", 50);
                if (limit is < 1 or > 1000)
                {
                    throw ResolveContextExtensions.BadInput("limit must be between 1 and 1000.");
                }
                return await ctx.Service<WebhookStore>().ListDeliveriesAsync(caller.TenantId, ctx.GetArgument<Guid>("webhookId"), limit);
            });
    }
}
