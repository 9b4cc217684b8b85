using GraphQL.Types;
using Sparkle.Grains.Directory;

namespace Sparkle.GraphQL.Directory;

public sealed class ContactType : ObjectGraphType<Contact>
{
    public ContactType()
    {
        Name = "Contact";
        Description = "A person in the enterprise directory or in a user's personal contacts.";
        Field<NonNullGraphType<IdGraphType>>("externalId").Resolve(ctx => ctx.Source.ExternalId);
        Field(x => x.DisplayName);
        Field<IdGraphType>("departmentExternalId").Resolve(ctx => ctx.Source.DepartmentExternalId);
        Field(x => x.SipNumber, nullable: true).Description("SIP short number (extension).");
        Field(x => x.Mobile, nullable: true);
        Field(x => x.Landline, nullable: true);
        Field(x => x.Email, nullable: true);
        Field(x => x.Title, nullable: true);
    }
}
