using GraphQL.Types;
using Sparkle.Grains.Tenants;

namespace Sparkle.GraphQL.Tenants;

public sealed class TenantType : ObjectGraphType<TenantInfo>
{
    public TenantType()
    {
        Name = "Tenant";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.Name);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("sipDomains").Resolve(ctx => ctx.Source.SipDomains);
        Field<NonNullGraphType<TenantPoliciesType>>("policies").Resolve(ctx => ctx.Source.Policies);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("createdAt").Resolve(ctx => ctx.Source.CreatedAt);
    }
}
