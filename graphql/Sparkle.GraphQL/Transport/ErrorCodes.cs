namespace Sparkle.GraphQL.Transport;

/// <summary>The extensions.code values clients can rely on.</summary>
public static class ErrorCodes
{
    public const string Unauthenticated = "UNAUTHENTICATED";
    public const string Forbidden = "FORBIDDEN";
    public const string NotFound = "NOT_FOUND";
    public const string BadUserInput = "BAD_USER_INPUT";
    public const string Unavailable = "UNAVAILABLE";
    public const string Internal = "INTERNAL_SERVER_ERROR";
    public const string BadRequest = "BAD_REQUEST";
    // Typed input errors raised by the grains (ValidationException.Code, see ValidationCodes).
    public const string PasswordTooWeak = Grains.Identity.ValidationCodes.PasswordTooWeak;
    public const string InvalidPassword = Grains.Identity.ValidationCodes.InvalidPassword;
    public const string InvalidColor = Grains.Identity.ValidationCodes.InvalidColor;
    public const string InvalidLogo = Grains.Identity.ValidationCodes.InvalidLogo;
    /// <summary>drainMediaWorker refused: no other live worker would take new meetings.</summary>
    public const string LastWorker = Grains.Identity.ValidationCodes.LastWorker;
    /// <summary>An `after` cursor that is not one this list (in this order) gave out.</summary>
    public const string InvalidCursor = "INVALID_CURSOR";
    /// <summary>A WebRTC offer the media worker cannot take; extensions.reason says why.</summary>
    public const string OfferNotAcceptable = "OFFER_NOT_ACCEPTABLE";
}
