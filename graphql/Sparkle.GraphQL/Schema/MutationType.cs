using GraphQL.Types;
using Sparkle.GraphQL.Directory;
using Sparkle.GraphQL.Meetings;
using Sparkle.GraphQL.Plans;
using Sparkle.GraphQL.Recordings;
using Sparkle.GraphQL.Tenants;
using Sparkle.GraphQL.Users;
using Sparkle.GraphQL.Webhooks;

namespace Sparkle.GraphQL.Schema;

public sealed class MutationType : ObjectGraphType
{
    public MutationType()
    {
        Name = "Mutation";
        PlanMutations.AddTo(this);
        MeetingMutations.AddTo(this);
        LiveControlMutations.AddTo(this);
        DirectoryMutations.AddTo(this);
        UserMutations.AddTo(this);
        TenantMutations.AddTo(this);
        WebhookMutations.AddTo(this);
        RecordingMutations.AddTo(this);
        Minutes.MinutesMutations.AddTo(this);
        WebRtc.WebRtcMutations.AddTo(this);
        Fleet.FleetMutations.AddTo(this);
    }
}
