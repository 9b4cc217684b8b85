using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Transactions;

/// <summary>Transaction matching keys (RFC 3261 §17.1.3 and §17.2.3).</summary>
public static class TransactionKey
{
    /// <summary>Server side: branch + sent-by + method, with ACK matching its INVITE. Requests without the
    /// RFC 3261 magic cookie fall back to Call-ID, CSeq number, From tag and the Via (RFC 2543 matching).</summary>
    public static string ForServer(SipRequest request, string? methodOverride = null)
    {
        var via = request.TopVia;
        var method = methodOverride ?? (request.Method == SipMethods.Ack ? SipMethods.Invite : request.Method);
        if (via?.Branch is { } branch && branch.StartsWith(ViaHeader.MagicCookie, StringComparison.Ordinal))
        {
            return $"{branch}|{via.SentBy}|{method}";
        }
        return $"2543|{request.CallId}|{request.CSeq?.Number}|{request.FromTag}|{via?.SentBy}|{method}";
    }

    /// <summary>Client side: the branch we generated + the CSeq method.</summary>
    public static string ForClient(string branch, string method) => $"{branch}|{method}";

    public static string? ForClient(SipResponse response) =>
        response.TopVia?.Branch is { } branch && response.CSeq is { } cseq ? ForClient(branch, cseq.Method) : null;
}
