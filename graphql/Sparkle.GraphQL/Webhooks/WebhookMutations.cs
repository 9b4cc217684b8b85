using GraphQL;
using GraphQL.Types;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Webhooks;

public static class WebhookMutations
{
    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<WebhookType>>("createWebhook")
            .Description("Registers a notification endpoint (owners). The response carries the signing secret, once.")
            .Argument<NonNullGraphType<StringGraphType>>("url")
            .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("events", a => a.Description =
                "Any of " + string.Join(", ", WebhookEventTypes.All) + "; all when omitted.")
            .ResolveAsync(async ctx =>
            {
                var caller = await WebhookAccess.RequireAsync(ctx);
                var url = ctx.GetArgument<string>("url");
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || url.Length > 2000)
                {
                    throw ResolveContextExtensions.BadInput("url must be an absolute http(s) URL.");
                }
                if (await ctx.Service<WebhookAddressPolicy>().CheckAsync(uri, (host, ct) => System.Net.Dns.GetHostAddressesAsync(host, ct), ctx.CancellationToken) is { } refused)
                {
                    throw ResolveContextExtensions.BadInput("url is not allowed: " + refused + ". Webhooks go to public internet addresses only.");
                }
                var events = ctx.GetArgument<List<string>?>("events") ?? [.. WebhookEventTypes.All];
                if (events.Count == 0 || events.Any(e => !WebhookEventTypes.All.Contains(e)))
                {
                    throw ResolveContextExtensions.BadInput("Unknown or no event types; use " + string.Join(", ", WebhookEventTypes.All) + ".");
                }
                var created = await ctx.Service<WebhookStore>().CreateAsync(caller.TenantId, url, events.Distinct().ToList(), WebhookSigner.NewSecret());
                ctx.Service<MeetingWebhookWatcher>().Wake();
                return created;
            });

        mutation.Field<NonNullGraphType<BooleanGraphType>>("deleteWebhook")
            .Description("Stops notifications to this endpoint; its delivery log is kept.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx =>
            {
                var caller = await WebhookAccess.RequireAsync(ctx);
                return await ctx.Service<WebhookStore>().DeleteAsync(caller.TenantId, ctx.GetArgument<Guid>("id"))
                    ? true
                    : throw ResolveContextExtensions.NotFound("No such webhook.");
            });
    }
}
