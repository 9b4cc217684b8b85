using GraphQL.Types;
using Sparkle.Grains.Usage;

namespace Sparkle.GraphQL.Usage;

public sealed class UsageRecordType : ObjectGraphType<LegUsageRecord>
{
    public UsageRecordType()
    {
        Name = "UsageRecord";
        Description = "One participant's call in a meeting, from connect to leaving (what usage is billed by).";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.LegId);
        Field<NonNullGraphType<IdGraphType>>("tenantId").Resolve(ctx => ctx.Source.TenantId);
        Field<NonNullGraphType<IdGraphType>>("meetingId").Resolve(ctx => ctx.Source.MeetingId);
        Field<NonNullGraphType<StringGraphType>>("participantId").Resolve(ctx => ctx.Source.ParticipantId);
        Field<NonNullGraphType<StringGraphType>>("uri").Description("The number or SIP URI of the participant.").Resolve(ctx => ctx.Source.Uri);
        Field<StringGraphType>("displayName").Resolve(ctx => ctx.Source.DisplayName);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("startedAt").Resolve(ctx => ctx.Source.StartedAt);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("endedAt").Resolve(ctx => ctx.Source.EndedAt);
        Field<NonNullGraphType<IntGraphType>>("durationSeconds").Resolve(ctx => ctx.Source.DurationSeconds);
        Field<NonNullGraphType<LegDirectionType>>("direction").Resolve(ctx => ctx.Source.Direction);
        Field<NonNullGraphType<StringGraphType>>("transport").Description("Signalling transport: udp, tcp, tls or webrtc.").Resolve(ctx => ctx.Source.Transport);
        Field<StringGraphType>("audioCodec").Description("SDP encoding name (PCMU, PCMA, G722, opus).").Resolve(ctx => ctx.Source.AudioCodec);
        Field<StringGraphType>("videoCodec").Description("SDP encoding name (H264, VP8); null for audio only.").Resolve(ctx => ctx.Source.VideoCodec);
        Field<NonNullGraphType<BooleanGraphType>>("srtp").Description("Media was encrypted (SDES-SRTP or DTLS-SRTP).").Resolve(ctx => ctx.Source.Srtp);
        Field<LongGraphType>("packetsReceived").Description("Audio packets received from the participant (null: the worker could not be asked).")
            .Resolve(ctx => ctx.Source.PacketsReceived);
        Field<LongGraphType>("packetsLost").Resolve(ctx => ctx.Source.PacketsLost);
        Field<FloatGraphType>("packetLoss").Description("Lost over expected audio packets, 0..1 (RFC 3550).").Resolve(ctx => ctx.Source.LossFraction);
        Field<FloatGraphType>("jitterMs").Description("RFC 3550 interarrival jitter of the audio, milliseconds.").Resolve(ctx => ctx.Source.JitterMs);
        Field<FloatGraphType>("mos").Description("Estimated MOS, 1..4.5 (simplified ITU-T G.107 E-model from codec, loss and an estimated delay).")
            .Resolve(ctx => ctx.Source.Mos);
        Field<StringGraphType>("imsChargingId").Description("The IMS charging id. Always null for now: the platform does not run behind an IMS core yet.")
            .Resolve(ctx => ctx.Source.ImsChargingId);
    }
}
