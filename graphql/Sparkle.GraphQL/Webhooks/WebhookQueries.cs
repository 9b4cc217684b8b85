using GraphQL.Types;

namespace Sparkle.GraphQL.Webhooks;

public static class WebhookQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        _ = query;
    }
}
