using GraphQL.Types;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Tenants;

public sealed class TenantBrandingInputType : InputObjectGraphType<TenantBranding>
{
    public TenantBrandingInputType()
    {
        Name = "TenantBrandingInput";
        Description = "The whole branding (it replaces the previous one). INVALID_COLOR and INVALID_LOGO name bad values.";
        Field<NonNullGraphType<StringGraphType>>("productName");
        Field<StringGraphType>("logoDataUrl").Description("data:image/png|svg+xml|jpeg;base64,... of at most 128 KiB; null: no logo.");
        Field<NonNullGraphType<StringGraphType>>("primaryColor").Description("#rrggbb");
        Field<NonNullGraphType<StringGraphType>>("accentColor").Description("#rrggbb");
        Field<StringGraphType>("signInMessage");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) =>
        new TenantBranding(
            value.Required("productName"),
            value.Value<string>("logoDataUrl"),
            value.Required("primaryColor"),
            value.Required("accentColor"),
            value.Value<string>("signInMessage"));
}
