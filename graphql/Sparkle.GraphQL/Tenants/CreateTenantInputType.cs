using GraphQL.Types;
using Sparkle.GraphQL.Users;

namespace Sparkle.GraphQL.Tenants;

public sealed class CreateTenantInputType : InputObjectGraphType
{
    public CreateTenantInputType()
    {
        Name = "CreateTenantInput";
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("sipDomains");
        Field<TenantPoliciesInputType>("policies");
        Field<AddUserInputType>("owner").Description("The tenant's first user; made owner.");
    }
}
