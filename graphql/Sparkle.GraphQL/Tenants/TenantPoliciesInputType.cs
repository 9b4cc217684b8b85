using GraphQL.Types;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Identity;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Tenants;

public sealed class TenantPoliciesInputType : InputObjectGraphType<TenantPolicies>
{
    public TenantPoliciesInputType()
    {
        Name = "TenantPoliciesInput";
        Field<BooleanGraphType>("tlsOnlySignalling");
        Field<BooleanGraphType>("srtpRequired");
        Field<RoleType>("dialOutMinimumRole").Description("chair when omitted.");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("dialOutPatterns");
        Field<SipTrunkInputType>("trunk");
        Field<IntGraphType>("recordingRetentionDays").Description("0 (keep until deleted) when omitted.");
        Field<RoleType>("recordingExportMinimumRole").Description("manager when omitted; owner narrows downloads to owners.");
        Field<BooleanGraphType>("allowUtteranceReplayAfterMeeting").Description("false when omitted: participants replay only while the meeting runs.");
        Field<BooleanGraphType>("participantsReadMinutes").Description("false when omitted: only owners, chairs, the minutes editor and managers read minutes.");
        Field<StringGraphType>("minutesLanguage").Description("en-US when omitted, the only language the installed engine supports.");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) =>
        new TenantPolicies(
            value.Value<bool>("tlsOnlySignalling"),
            value.Value<bool>("srtpRequired"),
            value.Value<Role?>("dialOutMinimumRole") ?? Role.Chair,
            value.Has("dialOutPatterns") ? value.List<string>("dialOutPatterns") : null,
            value.Value<SipTrunk>("trunk"),
            value.Value<int?>("recordingRetentionDays") ?? 0,
            value.Value<Role?>("recordingExportMinimumRole") ?? Role.Manager,
            value.Value<bool>("allowUtteranceReplayAfterMeeting"),
            value.Value<bool>("participantsReadMinutes"),
            value.Value<string?>("minutesLanguage") is { Length: > 0 } language ? language.Trim() : "en-US");
}
