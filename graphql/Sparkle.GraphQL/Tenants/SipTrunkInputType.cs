using GraphQL.Types;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Tenants;

public sealed class SipTrunkInputType : InputObjectGraphType<SipTrunk>
{
    public SipTrunkInputType()
    {
        Name = "SipTrunkInput";
        Field<NonNullGraphType<StringGraphType>>("outboundProxy");
        Field<NonNullGraphType<StringGraphType>>("domain");
        Field<StringGraphType>("username");
        Field<StringGraphType>("password");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) =>
        new SipTrunk(value.Required("outboundProxy"), value.Required("domain"), value.Value<string>("username"), value.Value<string>("password"));
}
