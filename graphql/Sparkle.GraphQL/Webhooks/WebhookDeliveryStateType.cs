using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Webhooks;

public sealed class WebhookDeliveryStateType : WireEnumType<WebhookDeliveryState>
{
    public WebhookDeliveryStateType()
        : base("WebhookDeliveryState", "pending (waiting for a first attempt or a retry), succeeded, or failed (attempts exhausted).")
    {
    }
}
