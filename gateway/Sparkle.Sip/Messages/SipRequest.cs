namespace Sparkle.Sip.Messages;

public sealed class SipRequest : SipMessage
{
    public SipRequest(string method, SipUri requestUri)
    {
        Method = method;
        RequestUri = requestUri;
    }

    public string Method { get; }
    public SipUri RequestUri { get; set; }

    public int? MaxForwards =>
        int.TryParse(Headers.Get(HeaderNames.MaxForwards), System.Globalization.NumberStyles.None, null, out var v) ? v : null;

    /// <summary>Builds a response per RFC 3261 §8.2.6: Via, From, To, Call-ID and CSeq copied; a To tag added
    /// when given and not already present.</summary>
    public SipResponse CreateResponse(int statusCode, string? reason = null, string? toTag = null)
    {
        var response = new SipResponse(statusCode, reason ?? SipStatus.Reason(statusCode));
        foreach (var via in Headers.GetLines(HeaderNames.Via))
        {
            response.Headers.Add(HeaderNames.Via, via);
        }
        response.Headers.Add(HeaderNames.From, Headers.Get(HeaderNames.From) ?? "");
        var to = Headers.Get(HeaderNames.To) ?? "";
        if (toTag is not null && statusCode != 100 && NameAddress.TryParse(to, out var toAddr) && toAddr.Tag is null)
        {
            toAddr.Tag = toTag;
            to = toAddr.ToString();
        }
        response.Headers.Add(HeaderNames.To, to);
        response.Headers.Add(HeaderNames.CallId, Headers.Get(HeaderNames.CallId) ?? "");
        response.Headers.Add(HeaderNames.CSeq, Headers.Get(HeaderNames.CSeq) ?? "");
        return response;
    }
}
