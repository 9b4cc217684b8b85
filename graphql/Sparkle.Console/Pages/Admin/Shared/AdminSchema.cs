namespace Sparkle.Console.Pages.Admin.Shared;

/// <summary>Schema names the pages' documents depend on, kept in one place.</summary>
public static class AdminSchema
{
    /// <summary>The scalar of the meetings list's createdFrom/createdTo arguments.</summary>
    public const string DateScalar = "DateTimeOffset";

    /// <summary>The enum of the meetings list's orderBy argument and its values.</summary>
    public const string MeetingOrder = "MeetingOrder";
    public static readonly string[] MeetingOrders = ["created_desc", "created_asc", "title_asc"];

    /// <summary>The enum of the users list's orderBy argument and its values.</summary>
    public const string UserOrder = "UserOrder";
    public static readonly string[] UserOrders = ["number_asc", "name_asc"];

    /// <summary>How many rows a list asks for at a time.</summary>
    public const int PageSize = 25;

    /// <summary>The largest logo the branding form accepts (as the data URL's bytes).</summary>
    public const int MaxLogoBytes = 128 * 1024;
}
