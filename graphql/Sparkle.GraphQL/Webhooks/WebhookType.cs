using GraphQL.Types;

namespace Sparkle.GraphQL.Webhooks;

public sealed class WebhookType : ObjectGraphType<WebhookRecord>
{
    public WebhookType()
    {
        Name = "Webhook";
        Description = "A tenant's notification endpoint. Each POST carries Sparkle-Signature: t=UNIX,v1=HEX(HMAC-SHA256(secret, t + \".\" + body)).";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.Url);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("events").Resolve(ctx => ctx.Source.Events);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("createdAt").Resolve(ctx => ctx.Source.CreatedAt);
        Field(x => x.Secret, nullable: true).Description("The signing secret: returned once, by createWebhook.");
    }
}
