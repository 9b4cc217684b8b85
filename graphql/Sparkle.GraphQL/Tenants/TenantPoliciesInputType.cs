using GraphQL.Types;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Identity;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Tenants;

public sealed class TenantPoliciesInputType : InputObjectGraphType<TenantPolicies>
{
    public TenantPoliciesInputType()
    {
        Name = "TenantPoliciesInput";
        Field<BooleanGraphType>("tlsOnlySignalling");
        Field<BooleanGraphType>("srtpRequired");
        Field<RoleType>("dialOutMinimumRole").Description("chair when omitted.");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("dialOutPatterns");
        Field<SipTrunkInputType>("trunk");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) =>
        new TenantPolicies(
            value.Value<bool>("tlsOnlySignalling"),
            value.Value<bool>("srtpRequired"),
            value.Value<Role?>("dialOutMinimumRole") ?? Role.Chair,
            value.Has("dialOutPatterns") ? value.List<string>("dialOutPatterns") : null,
            value.Value<SipTrunk>("trunk"));
}
