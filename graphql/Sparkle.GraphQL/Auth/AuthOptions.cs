namespace Sparkle.GraphQL.Auth;

/// <summary>Section "Auth": the web console's sign-in.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Lifetime of the access tokens that sign-in and refresh hand out.</summary>
    public int AccessTokenMinutes { get; set; } = 15;
    /// <summary>Failed sign-ins of one account (tenant + number) within the window before 429.</summary>
    public int MaxFailuresPerAccount { get; set; } = 5;
    /// <summary>Failed sign-ins from one client address within the window before 429.</summary>
    public int MaxFailuresPerAddress { get; set; } = 20;
    public int FailureWindowMinutes { get; set; } = 15;
}
