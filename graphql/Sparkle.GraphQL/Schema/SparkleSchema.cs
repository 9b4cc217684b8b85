namespace Sparkle.GraphQL.Schema;

/// <summary>The Sparkle tenant API. Root types are composed from the feature folders.</summary>
public sealed class SparkleSchema : global::GraphQL.Types.Schema
{
    public SparkleSchema(IServiceProvider services, QueryType query, MutationType mutation, SubscriptionType subscription)
        : base(services)
    {
        Query = query;
        Mutation = mutation;
        Subscription = subscription;
        Description = "Sparkle.Cloud tenant API: meetings, plans, directory, users and tenants.";
    }
}
