using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Tenants;

public static class TenantMutations
{
    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<TenantType>>("createTenant")
            .Description("Creates a tenant with its first owner (SaaS operator).")
            .Argument<NonNullGraphType<CreateTenantInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var input = ctx.GetArgument<IDictionary<string, object?>>("input");
                var tenantId = Guid.NewGuid();
                var tenant = ctx.Grains().GetGrain<ITenantGrain>(tenantId);
                var created = await tenant.CreateAsync(caller, input.Required("name"), input.List<string>("sipDomains"),
                    input.Value<TenantPolicies>("policies") ?? new TenantPolicies());
                if (input.Value<UserSpec>("owner") is { } owner)
                {
                    // The grain accepted the operator's CreateAsync; seeding the first owner is the platform's
                    // own act for the new tenant (the operator may not manage users), as silo seeding does.
                    await tenant.AddUserAsync(Caller.System(tenantId), owner with { Role = Role.Owner });
                }
                return created;
            });

        mutation.Field<NonNullGraphType<BooleanGraphType>>("deleteTenant")
            .Description("Deletes a tenant (SaaS operator). Its recording keys are destroyed first (crypto-shredding: "
                + "its recordings and utterances can never be decrypted again, even from copied blobs), its meetings end, "
                + "its name and SIP domains are freed, and its users can no longer sign in, call or use the API.")
            .Argument<NonNullGraphType<IdGraphType>>("tenantId")
            .ResolveAsync(async ctx =>
            {
                await ctx.Grains().GetGrain<ITenantGrain>(ctx.GetArgument<Guid>("tenantId")).DeleteAsync(ctx.Caller());
                return true;
            });

        mutation.Field<NonNullGraphType<TenantType>>("updateTenantPolicies")
            .Description("Changes the policies of the caller's tenant (owners), or of any tenant for the operator.")
            .Argument<IdGraphType>("tenantId")
            .Argument<NonNullGraphType<TenantPoliciesInputType>>("policies")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var tenantId = ctx.GetArgument<Guid?>("tenantId") ?? caller.TenantId;
                return await ctx.Grains().GetGrain<ITenantGrain>(tenantId).UpdatePoliciesAsync(caller, ctx.GetArgument<TenantPolicies>("policies"));
            });

        mutation.Field<NonNullGraphType<TenantBrandingType>>("setTenantBranding")
            .Description("Replaces the branding of the caller's tenant (owners).")
            .Argument<NonNullGraphType<TenantBrandingInputType>>("input")
            .Argument<IdGraphType>("tenantId", "The caller's tenant when omitted; another tenant is NOT_FOUND.")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var tenantId = ctx.GetArgument<Guid?>("tenantId") ?? caller.TenantId;
                return await ctx.Grains().GetGrain<ITenantGrain>(tenantId).SetBrandingAsync(caller, ctx.GetArgument<TenantBranding>("input"));
            });
    }
}
