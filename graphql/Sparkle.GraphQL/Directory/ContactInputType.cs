using GraphQL.Types;
using Sparkle.Grains.Directory;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Directory;

public sealed class ContactInputType : InputObjectGraphType<Contact>
{
    public ContactInputType()
    {
        Name = "ContactInput";
        Description = "A contact keyed by external id. It needs at least one of sipNumber, mobile, landline.";
        Field<NonNullGraphType<IdGraphType>>("externalId");
        Field<NonNullGraphType<StringGraphType>>("displayName");
        Field<IdGraphType>("departmentExternalId");
        Field<StringGraphType>("sipNumber");
        Field<StringGraphType>("mobile");
        Field<StringGraphType>("landline");
        Field<StringGraphType>("email");
        Field<StringGraphType>("title");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) =>
        new Contact(
            value.Required("externalId"),
            value.Required("displayName"),
            value.IdText("departmentExternalId"),
            value.Value<string>("sipNumber"),
            value.Value<string>("mobile"),
            value.Value<string>("landline"),
            value.Value<string>("email"),
            value.Value<string>("title"));
}
