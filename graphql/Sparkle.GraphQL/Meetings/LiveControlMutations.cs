using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.GraphQL.Identity;
using Sparkle.GraphQL.Layouts;
using Sparkle.GraphQL.Plans;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Meetings;

/// <summary>Live meeting control. Each mutation returns the meeting after the change; the grains decide
/// who may do what (chairs of the meeting, managers, owners).</summary>
public static class LiveControlMutations
{
    public static void AddTo(ObjectGraphType mutation)
    {
        OnParticipant(mutation, "muteParticipant", "Mutes a participant's audio.", (m, c, p, _) => m.SetMutedAsync(c, p, true));
        OnParticipant(mutation, "unmuteParticipant", "Unmutes a participant's audio.", (m, c, p, _) => m.SetMutedAsync(c, p, false));
        OnParticipant(mutation, "turnVideoOff", "Stops a participant's video.", (m, c, p, _) => m.SetVideoAsync(c, p, false));
        OnParticipant(mutation, "turnVideoOn", "Resumes a participant's video.", (m, c, p, _) => m.SetVideoAsync(c, p, true));
        OnParticipant(mutation, "allowSpeaking", "Allows a participant to speak.", (m, c, p, _) => m.SetSpeakingAllowedAsync(c, p, true));
        OnParticipant(mutation, "forbidSpeaking", "Forbids a participant to speak (their audio leaves the mix).", (m, c, p, _) => m.SetSpeakingAllowedAsync(c, p, false));
        OnParticipant(mutation, "allowVideo", "Allows a participant to send video.", (m, c, p, _) => m.SetVideoAllowedAsync(c, p, true));
        OnParticipant(mutation, "forbidVideo", "Forbids a participant to send video.", (m, c, p, _) => m.SetVideoAllowedAsync(c, p, false));
        OnParticipant(mutation, "removeParticipant", "Hangs up a participant.", (m, c, p, _) => m.RemoveAsync(c, p));
        OnParticipant(mutation, "setParticipantRole", "Changes a participant's meeting role.",
            (m, c, p, ctx) => m.SetParticipantRoleAsync(c, p, ctx.GetArgument<Role>("role")),
            f => f.Argument<NonNullGraphType<RoleType>>("role"));
        OnParticipant(mutation, "placeInSlot", "Places a participant in a slot of the fixed layout.",
            (m, c, p, ctx) => m.PlaceInSlotAsync(c, p, ctx.GetArgument<int>("slot")),
            f => f.Argument<NonNullGraphType<IntGraphType>>("slot"));

        OnMeeting(mutation, "inviteParticipant", "Calls someone into the meeting: a number or a contact.",
            async (m, c, ctx) =>
            {
                var who = await PlanSpecMerger.ResolveAsync(ctx, c, ctx.GetArgument<PlannedParticipant>("participant"));
                await m.InviteAsync(c, who);
            },
            f => f.Argument<NonNullGraphType<ParticipantInputType>>("participant"));
        OnMeeting(mutation, "setLayout", "Changes the video layout (see the layouts query).",
            (m, c, ctx) =>
            {
                var layout = ctx.GetArgument<string>("layoutId");
                return LayoutCatalog.Contains(layout)
                    ? m.SetLayoutAsync(c, layout)
                    : throw ResolveContextExtensions.BadInput($"Unknown layout '{layout}'; see the layouts query.");
            },
            f => f.Argument<NonNullGraphType<IdGraphType>>("layoutId"));
        OnMeeting(mutation, "setLayoutMode", "Fixed (the chair places people) or automatic (the active speaker takes the main slot).",
            (m, c, ctx) => m.SetLayoutModeAsync(c, ctx.GetArgument<LayoutMode>("mode")),
            f => f.Argument<NonNullGraphType<LayoutModeType>>("mode"));
        OnMeeting(mutation, "lockMeeting", "Nobody new may join.", (m, c, _) => m.SetLockedAsync(c, true));
        OnMeeting(mutation, "unlockMeeting", "People may join again.", (m, c, _) => m.SetLockedAsync(c, false));
        OnMeeting(mutation, "startRecording", "Starts recording the meeting.", (m, c, _) => m.SetRecordingAsync(c, true));
        OnMeeting(mutation, "stopRecording", "Stops recording the meeting.", (m, c, _) => m.SetRecordingAsync(c, false));
    }

    private static void OnParticipant(ObjectGraphType mutation, string name, string description,
        Func<IMeetingGrain, Caller, string, IResolveFieldContext, Task> action,
        Action<FieldBuilder<object?, object>>? arguments = null) =>
        OnMeeting(mutation, name, description,
            (m, c, ctx) => action(m, c, ctx.GetArgument<string>("participantId"), ctx),
            f =>
            {
                f.Argument<NonNullGraphType<IdGraphType>>("participantId");
                arguments?.Invoke(f);
            });

    private static void OnMeeting(ObjectGraphType mutation, string name, string description,
        Func<IMeetingGrain, Caller, IResolveFieldContext, Task> action,
        Action<FieldBuilder<object?, object>>? arguments = null)
    {
        var field = mutation.Field<NonNullGraphType<MeetingType>>(name)
            .Description(description)
            .Argument<NonNullGraphType<IdGraphType>>("meetingId");
        arguments?.Invoke(field);
        field.ResolveAsync(async ctx =>
        {
            var caller = ctx.Caller();
            var meeting = ctx.Grains().GetGrain<IMeetingGrain>(ctx.GetArgument<Guid>("meetingId"));
            await action(meeting, caller, ctx);
            return await meeting.GetAsync(caller);
        });
    }
}
