using GraphQL.Types;
using Sparkle.Grains.Media;

namespace Sparkle.GraphQL.Fleet;

public sealed class MediaWorkerType : ObjectGraphType<MediaWorkerInfo>
{
    public MediaWorkerType()
    {
        Name = "MediaWorker";
        Description = "A media worker process (mixes audio, composes video) as its last heartbeat (every second) reported it.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.WorkerId);
        Field<NonNullGraphType<StringGraphType>>("address").Description("The address RTP is sent to.").Resolve(ctx => ctx.Source.MediaAddress);
        Field<NonNullGraphType<StringGraphType>>("version").Description("The worker's build.").Resolve(ctx => ctx.Source.Version);
        Field<NonNullGraphType<IntGraphType>>("legs").Description("Call legs (participants) with media on it now.").Resolve(ctx => ctx.Source.ActiveLegs);
        Field<NonNullGraphType<IntGraphType>>("capacity").Description("Legs it accepts at most.").Resolve(ctx => ctx.Source.CapacityLegs);
        Field<NonNullGraphType<IntGraphType>>("meetings").Description("Meetings with media on it now.").Resolve(ctx => ctx.Source.Meetings);
        Field<NonNullGraphType<FloatGraphType>>("cpu").Description("The process's CPU share over the last heartbeat interval, 0..1 of all its cores.").Resolve(ctx => ctx.Source.CpuLoad);
        Field<NonNullGraphType<BooleanGraphType>>("draining").Description("An operator drains it: no new meetings are placed on it; meetings already on it stay until the meeting re-home path moves them.").Resolve(ctx => ctx.Source.Draining);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("lastHeartbeat").Resolve(ctx => ctx.Source.LastSeen);
    }
}
