using GraphQL.Types;
using Sparkle.Grains.Tenants;

namespace Sparkle.GraphQL.Tenants;

public sealed class SipTrunkType : ObjectGraphType<SipTrunk>
{
    public SipTrunkType()
    {
        Name = "SipTrunk";
        Description = "The trunk for mobile and landline numbers. Its password is never shown.";
        Field(x => x.OutboundProxy);
        Field(x => x.Domain);
        Field(x => x.Username, nullable: true);
        Field<NonNullGraphType<BooleanGraphType>>("hasPassword").Resolve(ctx => !string.IsNullOrEmpty(ctx.Source.Password));
    }
}
