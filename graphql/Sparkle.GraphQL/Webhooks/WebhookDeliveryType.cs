using GraphQL.Types;

namespace Sparkle.GraphQL.Webhooks;

public sealed class WebhookDeliveryType : ObjectGraphType<WebhookDeliveryRecord>
{
    public WebhookDeliveryType()
    {
        Name = "WebhookDelivery";
        Description = "One notification to one webhook and the outcome of its latest attempt.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<IdGraphType>>("webhookId").Resolve(ctx => ctx.Source.WebhookId);
        Field(x => x.EventType);
        Field(x => x.Payload).Description("The JSON body sent.");
        Field<NonNullGraphType<WebhookDeliveryStateType>>("state").Resolve(ctx => ctx.Source.State);
        Field(x => x.Attempts);
        Field(x => x.LastStatusCode, nullable: true);
        Field(x => x.LastError, nullable: true);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("createdAt").Resolve(ctx => ctx.Source.CreatedAt);
        Field<DateTimeOffsetGraphType>("deliveredAt").Resolve(ctx => ctx.Source.DeliveredAt);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("nextAttemptAt").Resolve(ctx => ctx.Source.NextAttemptAt);
    }
}
