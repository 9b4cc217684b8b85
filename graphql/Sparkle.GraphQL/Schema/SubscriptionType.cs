using GraphQL.Types;
using Sparkle.GraphQL.Meetings;

namespace Sparkle.GraphQL.Schema;

public sealed class SubscriptionType : ObjectGraphType
{
    public SubscriptionType()
    {
        Name = "Subscription";
        MeetingSubscriptions.AddTo(this);
    }
}
