using GraphQL.Types;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Schema;

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
        Field<NonNullGraphType<TenantBrandingType>>("branding")
            .Description("The tenant's branding (the platform defaults until an owner sets it).")
            .ResolveAsync(async ctx => await ctx.Grains().GetGrain<ITenantGrain>(ctx.Source.Id).GetBrandingAsync(ctx.Caller()));
    }
}
