using GraphQL.Types;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Identity;

namespace Sparkle.GraphQL.Users;

public sealed class UserType : ObjectGraphType<UserInfo>
{
    public UserType()
    {
        Name = "User";
        Description = "A user of the tenant. SIP credentials are stored as digest hashes only and never shown.";
        Field<NonNullGraphType<IdGraphType>>("tenantId").Resolve(ctx => ctx.Source.TenantId);
        Field(x => x.Number).Description("SIP short number (extension); the user's key in the tenant.");
        Field(x => x.DisplayName);
        Field<NonNullGraphType<RoleType>>("role").Resolve(ctx => ctx.Source.Role);
        Field(x => x.Mobile, nullable: true);
        Field(x => x.Landline, nullable: true);
        Field(x => x.Email, nullable: true);
    }
}
