using GraphQL.Types;
using Sparkle.GraphQL.Directory;
using Sparkle.GraphQL.Identity;
using Sparkle.GraphQL.Layouts;
using Sparkle.GraphQL.Meetings;
using Sparkle.GraphQL.Plans;
using Sparkle.GraphQL.Recordings;
using Sparkle.GraphQL.Tenants;
using Sparkle.GraphQL.Users;
using Sparkle.GraphQL.Webhooks;

namespace Sparkle.GraphQL.Schema;

public sealed class QueryType : ObjectGraphType
{
    public QueryType()
    {
        Name = "Query";
        MeQueries.AddTo(this);
        LayoutQueries.AddTo(this);
        DirectoryQueries.AddTo(this);
        PlanQueries.AddTo(this);
        MeetingQueries.AddTo(this);
        UserQueries.AddTo(this);
        TenantQueries.AddTo(this);
        WebhookQueries.AddTo(this);
        RecordingQueries.AddTo(this);
        Fleet.FleetQueries.AddTo(this);
        Usage.UsageQueries.AddTo(this);
    }
}
