using GraphQL.Types;
using Sparkle.Grains.Directory;

namespace Sparkle.GraphQL.Directory;

public sealed class DepartmentType : ObjectGraphType<Department>
{
    public DepartmentType()
    {
        Name = "Department";
        Field<NonNullGraphType<IdGraphType>>("externalId").Description("The HR/OA system's id.").Resolve(ctx => ctx.Source.ExternalId);
        Field(x => x.Name);
        Field<IdGraphType>("parentExternalId").Resolve(ctx => ctx.Source.ParentExternalId);
    }
}
