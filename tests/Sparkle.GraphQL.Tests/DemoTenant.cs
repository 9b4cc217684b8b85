namespace Sparkle.GraphQL.Tests;

public sealed record DemoTenant(Guid Id, string Name, IReadOnlyDictionary<string, DemoUser> Users, string SyncToken)
{
    public DemoUser Owner => Users["1001"];
    public DemoUser Manager => Users["1002"];
    public DemoUser Chair => Users["1003"];
    public DemoUser Member => Users["1004"];
}
