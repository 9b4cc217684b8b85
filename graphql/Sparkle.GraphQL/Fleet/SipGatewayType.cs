using GraphQL.Types;
using Sparkle.Grains.Gateway;

namespace Sparkle.GraphQL.Fleet;

public sealed class SipGatewayType : ObjectGraphType<GatewayInfo>
{
    public SipGatewayType()
    {
        Name = "SipGateway";
        Description = "A SIP gateway process (signalling: registrar, conference focus, dial-out) as its last heartbeat reported it.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.GatewayId);
        Field<NonNullGraphType<StringGraphType>>("address").Description("The host SIP reaches it at.").Resolve(ctx => ctx.Source.Address);
        Field<NonNullGraphType<StringGraphType>>("version").Description("The gateway's build.").Resolve(ctx => ctx.Source.Version);
        Field<NonNullGraphType<IntGraphType>>("calls").Description("Calls (dialled in or out) it holds now.").Resolve(ctx => ctx.Source.Calls);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("lastHeartbeat").Resolve(ctx => ctx.Source.LastSeen);
    }
}
