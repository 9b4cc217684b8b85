using System.Collections.Frozen;

namespace Sparkle.Sip.Messages;

/// <summary>Canonical header names and the RFC 3261 §7.3.3 compact forms.</summary>
public static class HeaderNames
{
    public const string Via = "Via";
    public const string From = "From";
    public const string To = "To";
    public const string CallId = "Call-ID";
    public const string CSeq = "CSeq";
    public const string MaxForwards = "Max-Forwards";
    public const string Contact = "Contact";
    public const string ContentLength = "Content-Length";
    public const string ContentType = "Content-Type";
    public const string Route = "Route";
    public const string RecordRoute = "Record-Route";
    public const string Allow = "Allow";
    public const string AllowEvents = "Allow-Events";
    public const string Accept = "Accept";
    public const string Supported = "Supported";
    public const string Require = "Require";
    public const string Unsupported = "Unsupported";
    public const string Expires = "Expires";
    public const string MinExpires = "Min-Expires";
    public const string Event = "Event";
    public const string SubscriptionState = "Subscription-State";
    public const string ReferTo = "Refer-To";
    public const string ReferredBy = "Referred-By";
    public const string SessionExpires = "Session-Expires";
    public const string MinSE = "Min-SE";
    public const string WwwAuthenticate = "WWW-Authenticate";
    public const string Authorization = "Authorization";
    public const string ProxyAuthenticate = "Proxy-Authenticate";
    public const string ProxyAuthorization = "Proxy-Authorization";
    public const string UserAgent = "User-Agent";
    public const string Server = "Server";
    public const string RetryAfter = "Retry-After";
    public const string Warning = "Warning";

    private static readonly FrozenDictionary<string, string> s_compact = new Dictionary<string, string>
    {
        ["i"] = CallId, ["m"] = Contact, ["e"] = "Content-Encoding", ["l"] = ContentLength,
        ["c"] = ContentType, ["f"] = From, ["s"] = "Subject", ["k"] = Supported, ["t"] = To,
        ["v"] = Via, ["o"] = Event, ["r"] = ReferTo, ["b"] = ReferredBy, ["x"] = SessionExpires,
        ["u"] = AllowEvents, ["a"] = "Accept-Contact", ["j"] = "Reject-Contact", ["d"] = "Request-Disposition",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, string> s_canonical = new[]
    {
        Via, From, To, CallId, CSeq, MaxForwards, Contact, ContentLength, ContentType, Route, RecordRoute,
        Allow, AllowEvents, Accept, Supported, Require, Unsupported, Expires, MinExpires, Event, SubscriptionState,
        ReferTo, ReferredBy, SessionExpires, MinSE, WwwAuthenticate, Authorization, ProxyAuthenticate,
        ProxyAuthorization, UserAgent, Server, RetryAfter, Warning, "Content-Encoding", "Subject",
        "Content-Disposition", "Proxy-Require", "Call-Info", "Privacy", "P-Asserted-Identity",
    }.ToFrozenDictionary(n => n, StringComparer.OrdinalIgnoreCase);

    /// <summary>The canonical spelling of a header name (expands compact forms; unknown names kept).</summary>
    public static string Canonical(string name)
    {
        if (name.Length == 1 && s_compact.TryGetValue(name, out var full))
        {
            return full;
        }
        return s_canonical.TryGetValue(name, out var canonical) ? canonical : name;
    }
}
