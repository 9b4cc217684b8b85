using GraphQL.Types;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.GraphQL.Plans;
using Sparkle.GraphQL.Recordings;

namespace Sparkle.GraphQL.Meetings;

public sealed class MeetingType : ObjectGraphType<MeetingSnapshot>
{
    public MeetingType()
    {
        Name = "Meeting";
        Description = "A meeting: kept until a manager deletes it, with its live state while active.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<IdGraphType>>("tenantId").Resolve(ctx => ctx.Source.TenantId);
        Field(x => x.ConferenceNumber).Description("The user part of the conference SIP URI; dial it to join.");
        Field(x => x.OwnerNumber);
        Field<NonNullGraphType<StringGraphType>>("title").Resolve(ctx => ctx.Source.Spec.Title);
        Field<IdGraphType>("planId").Resolve(ctx => ctx.Source.Spec.PlanId);
        Field<NonNullGraphType<MeetingStatusType>>("status").Resolve(ctx => ctx.Source.Status);
        Field(x => x.Locked);
        Field(x => x.Recording).Description("Recording is running.");
        Field<NonNullGraphType<RecordingSettingsType>>("recordingSettings").Resolve(ctx => ctx.Source.Spec.Recording ?? new RecordingSettings());
        Field(x => x.Layout);
        Field<NonNullGraphType<LayoutModeType>>("layoutMode").Resolve(ctx => ctx.Source.LayoutMode);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ParticipantType>>>>("participants").Resolve(ctx => ctx.Source.Participants);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PlannedParticipantType>>>>("plannedParticipants").Resolve(ctx => ctx.Source.Spec.Participants);
        Field<IdGraphType>("activeSpeakerId").Resolve(ctx => ctx.Source.ActiveSpeakerId);
        Field<NonNullGraphType<LongGraphType>>("version").Description("Version of the last event applied.").Resolve(ctx => ctx.Source.Version);
        Field<DateTimeOffsetGraphType>("scheduledStart").Resolve(ctx => ctx.Source.Spec.ScheduledStart);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("createdAt").Resolve(ctx => ctx.Source.CreatedAt);
        Field<DateTimeOffsetGraphType>("startedAt").Resolve(ctx => ctx.Source.StartedAt);
        Field<DateTimeOffsetGraphType>("endedAt").Resolve(ctx => ctx.Source.EndedAt);
        Field<IdGraphType>("mediaWorkerId")
            .Description("The media worker the meeting is placed on (platform operator and tenant managers; null for others and before placement).")
            .ResolveAsync(async ctx => await Fleet.FleetAccess.MaySeePlacementAsync(ctx, ctx.Source.TenantId) ? ctx.Source.MediaWorkerId : null);
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("mediaWorkers")
            .Description("Every media worker the meeting has media on now, its home first (platform operator and tenant managers; null for others).")
            .ResolveAsync(async ctx => await Fleet.FleetAccess.MaySeePlacementAsync(ctx, ctx.Source.TenantId) ? ctx.Source.MediaWorkerIds ?? [] : null);
        RecordingFields.AddTo(this);
        Preview.PreviewFields.AddTo(this);
        Minutes.MinutesFields.AddTo(this);
    }
}
