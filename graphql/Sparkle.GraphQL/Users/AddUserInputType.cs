using GraphQL.Types;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;
using Sparkle.GraphQL.Identity;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Users;

public sealed class AddUserInputType : InputObjectGraphType<UserSpec>
{
    public AddUserInputType()
    {
        Name = "AddUserInput";
        Field<NonNullGraphType<StringGraphType>>("number").Description("SIP short number (extension).");
        Field<NonNullGraphType<StringGraphType>>("displayName");
        Field<RoleType>("role").Description("member when omitted.");
        Field<StringGraphType>("mobile");
        Field<StringGraphType>("landline");
        Field<StringGraphType>("email");
        Field<StringGraphType>("sipPassword").Description("SIP digest password; only its hashes are stored.");
        Field<StringGraphType>("password").Description("Web-console password (at least 8 characters, else PASSWORD_TOO_WEAK); only its PBKDF2 hash is stored.");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) =>
        new UserSpec(
            value.Required("number"),
            value.Required("displayName"),
            value.Value<Role?>("role") ?? Role.Member,
            value.Value<string>("mobile"),
            value.Value<string>("landline"),
            value.Value<string>("email"),
            value.Value<string>("sipPassword"),
            value.Value<string>("password"));
}
