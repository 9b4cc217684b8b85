using GraphQL.Types;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.GraphQL.Recordings;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Preview;

/// <summary>Meeting.previewUrl: a signed link to the live composite as JPEG (the meeting grain decides who may see it).</summary>
public static class PreviewFields
{
    public static void AddTo(ObjectGraphType<MeetingSnapshot> meeting)
    {
        meeting.Field<StringGraphType>("previewUrl")
            .Description("A still of the composite video everyone sees (1280x720 JPEG, a fresh picture on every GET, at most "
                + "two new pictures a second), for chairs, the owner, the meeting's participants and tenant managers. The link "
                + "is valid for 5 minutes; append ?t=<n> to refresh an <img>. Null when the meeting is not running, has no video, "
                + "or the caller may not see it. GET answers 404 while there is no picture.")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                if (ctx.Source.Status != MeetingStatus.Active || caller.Kind != CallerKind.User || caller.UserNumber is not { } number)
                {
                    return null;
                }

                try
                {
                    if (!await ctx.Grains().GetGrain<IMeetingGrain>(ctx.Source.Id).HasLivePreviewAsync(caller))
                    {
                        return null;
                    }
                }
                catch (Exception e) when (e is AccessDeniedException or NotFoundException)
                {
                    return null;
                }

                var (token, _) = ctx.Service<MediaLinkSigner>().Issue(MediaLinkKind.LivePreview, caller.TenantId, number, ctx.Source.Id, ctx.Source.Id);
                return RecordingMutations.BaseUrl(ctx) + "/media/preview/" + token;
            });
    }
}
