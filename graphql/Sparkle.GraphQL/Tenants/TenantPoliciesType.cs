using GraphQL.Types;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Identity;

namespace Sparkle.GraphQL.Tenants;

public sealed class TenantPoliciesType : ObjectGraphType<TenantPolicies>
{
    public TenantPoliciesType()
    {
        Name = "TenantPolicies";
        Field(x => x.TlsOnlySignalling);
        Field(x => x.SrtpRequired);
        Field<NonNullGraphType<RoleType>>("dialOutMinimumRole").Resolve(ctx => ctx.Source.DialOutMinimumRole);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("dialOutPatterns")
            .Description("Regular expressions external numbers must match (empty: any).")
            .Resolve(ctx => ctx.Source.DialOutPatterns ?? []);
        Field<SipTrunkType>("trunk").Resolve(ctx => ctx.Source.Trunk);
        Field(x => x.RecordingRetentionDays).Description("0: recordings are kept until deleted.");
        Field<NonNullGraphType<RoleType>>("recordingExportMinimumRole").Resolve(ctx => ctx.Source.RecordingExportMinimumRole);
        Field(x => x.AllowUtteranceReplayAfterMeeting);
        Field(x => x.ParticipantsReadMinutes).Description("Participants of a meeting read its minutes.");
        Field(x => x.MinutesLanguage).Description("BCP-47 language of the minutes. Supported: en-US only (PocketSphinx with its US English model); others give untranscribed entries.");
    }
}
