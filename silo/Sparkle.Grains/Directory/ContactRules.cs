using Sparkle.Grains.Identity;
using Sparkle.Grains.Security;

namespace Sparkle.Grains.Directory;

/// <summary>Normalisation and checks shared by the directory and personal contacts.</summary>
public static class ContactRules
{
    /// <summary>Returns the cleaned contact, or the reason it is refused.</summary>
    public static (Contact? Contact, string? Error) Clean(Contact? contact, bool requireExternalId = true)
    {
        if (contact is null)
        {
            return (null, "empty contact");
        }

        try
        {
            var id = requireExternalId
                ? Validate.Text(contact.ExternalId, "External id", 128)
                : Validate.OptionalText(contact.ExternalId, "External id", 128) ?? "";
            var sip = Number(contact.SipNumber, "SIP number");
            var mobile = Number(contact.Mobile, "Mobile");
            var landline = Number(contact.Landline, "Landline");
            if (sip is null && mobile is null && landline is null)
            {
                return (null, "a contact needs a SIP number, a mobile or a landline");
            }

            return (new Contact(
                id,
                Validate.Text(contact.DisplayName, "Display name", 200),
                Validate.OptionalText(contact.DepartmentExternalId, "Department", 128),
                sip,
                mobile,
                landline,
                Validate.OptionalText(contact.Email, "E-mail", 254),
                Validate.OptionalText(contact.Title, "Title", 200)), null);
        }
        catch (ValidationException e)
        {
            return (null, e.Message);
        }
    }

    public static bool Matches(Contact contact, string search) =>
        contact.DisplayName.Contains(search, StringComparison.OrdinalIgnoreCase)
        || (contact.SipNumber?.Contains(search, StringComparison.Ordinal) ?? false)
        || (contact.Mobile?.Contains(search, StringComparison.Ordinal) ?? false)
        || (contact.Landline?.Contains(search, StringComparison.Ordinal) ?? false)
        || (contact.Email?.Contains(search, StringComparison.OrdinalIgnoreCase) ?? false)
        || (contact.Title?.Contains(search, StringComparison.OrdinalIgnoreCase) ?? false);

    private static string? Number(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? null : Validate.Dialable(value.Trim(), field);
}
