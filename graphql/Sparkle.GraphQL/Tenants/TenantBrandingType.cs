using GraphQL.Types;
using Sparkle.Grains.Tenants;

namespace Sparkle.GraphQL.Tenants;

public sealed class TenantBrandingType : ObjectGraphType<TenantBranding>
{
    public TenantBrandingType()
    {
        Name = "TenantBranding";
        Description = "How the tenant's sign-in page and console look. Public: GET /auth/branding serves it before sign-in.";
        Field(x => x.ProductName).Description("Shown instead of \"Sparkle.Cloud\".");
        Field(x => x.LogoDataUrl, nullable: true).Description("A data:image/png|svg+xml|jpeg;base64 URL of at most 128 KiB.");
        Field(x => x.PrimaryColor).Description("#rrggbb");
        Field(x => x.AccentColor).Description("#rrggbb");
        Field(x => x.SignInMessage, nullable: true).Description("Text shown on the sign-in page.");
    }
}
