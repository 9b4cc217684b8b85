using GraphQL.Types;
using Sparkle.Grains.Directory;

namespace Sparkle.GraphQL.Directory;

public sealed class DirectorySyncReportType : ObjectGraphType<DirectorySyncReport>
{
    public DirectorySyncReportType()
    {
        Name = "DirectorySyncReport";
        Description = "What a sync call changed. The same batch sent twice reports only unchanged rows the second time.";
        Field(x => x.Created);
        Field(x => x.Updated);
        Field(x => x.Deleted);
        Field(x => x.Unchanged);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SyncRejectionType>>>>("rejected").Resolve(ctx => ctx.Source.Rejected);
    }
}
