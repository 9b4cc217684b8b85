using GraphQL.Types;

namespace Sparkle.GraphQL.Webhooks;

public static class WebhookMutations
{
    public static void AddTo(ObjectGraphType mutation)
    {
        _ = mutation;
    }
}
