using GraphQL.Types;
using Sparkle.Grains.Directory;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Directory;

public sealed class DepartmentInputType : InputObjectGraphType<Department>
{
    public DepartmentInputType()
    {
        Name = "DepartmentInput";
        Field<NonNullGraphType<IdGraphType>>("externalId");
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<IdGraphType>("parentExternalId");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) =>
        new Department(value.Required("externalId"), value.Required("name"), value.IdText("parentExternalId"));
}
