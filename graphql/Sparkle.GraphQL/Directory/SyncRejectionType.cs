using GraphQL.Types;
using Sparkle.Grains.Directory;

namespace Sparkle.GraphQL.Directory;

public sealed class SyncRejectionType : ObjectGraphType<SyncRejection>
{
    public SyncRejectionType()
    {
        Name = "SyncRejection";
        Field<IdGraphType>("externalId").Resolve(ctx => ctx.Source.ExternalId);
        Field(x => x.Reason);
    }
}
