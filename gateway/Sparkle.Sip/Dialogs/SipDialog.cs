using Sparkle.Sip.Messages;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Dialogs;

public enum DialogState
{
    Early,
    Confirmed,
    Terminated,
}

/// <summary>The state of one dialog (RFC 3261 §12): identifiers, sequence numbers, route set, remote
/// target, and where its requests go. Mutated only by the UA core.</summary>
public sealed class SipDialog
{
    private readonly object _gate = new();
    private uint _localSeq;

    internal SipDialog(string callId, NameAddress local, NameAddress remote, SipUri remoteTarget,
        IReadOnlyList<string> routeSet, bool isUas, SipEndPoint peer, uint localSeq, uint? remoteSeq)
    {
        CallId = callId;
        LocalParty = local;
        RemoteParty = remote;
        RemoteTarget = remoteTarget;
        RouteSet = routeSet;
        IsUas = isUas;
        Peer = peer;
        _localSeq = localSeq;
        RemoteSeq = remoteSeq;
    }

    public string CallId { get; }
    public string LocalTag => LocalParty.Tag ?? "";
    public string RemoteTag => RemoteParty.Tag ?? "";
    public string Id => Key(CallId, LocalTag, RemoteTag);

    public NameAddress LocalParty { get; }
    public NameAddress RemoteParty { get; internal set; }
    public SipUri RemoteTarget { get; internal set; }
    public IReadOnlyList<string> RouteSet { get; }
    public bool IsUas { get; }
    public SipEndPoint Peer { get; internal set; }
    public DialogState State { get; internal set; } = DialogState.Confirmed;
    public uint? RemoteSeq { get; private set; }
    public uint LocalSeq
    {
        get
        {
            lock (_gate)
            {
                return _localSeq;
            }
        }
    }

    /// <summary>When the user agent next probes this call with an in-dialog OPTIONS (keep-alive).</summary>
    internal DateTimeOffset KeepAliveDue { get; set; } = DateTimeOffset.MaxValue;

    /// <summary>The Contact we put in our requests and responses on this dialog.</summary>
    public NameAddress? LocalContact { get; set; }
    /// <summary>The last SDP we sent, for session refreshes we originate.</summary>
    public string? LocalSdp { get; set; }
    /// <summary>Data the application attaches (its call or subscription).</summary>
    public object? ApplicationState { get; set; }

    /// <summary>One INVITE transaction at a time per dialog (§14): ours and theirs.</summary>
    internal bool OutgoingInvitePending { get; set; }
    internal bool IncomingInvitePending { get; set; }
    /// <summary>A dialog we accepted whose 2xx is not ACKed yet: our re-INVITEs wait (the peer's are let through, as
    /// before, since some phones send theirs right behind the ACK).</summary>
    internal bool AwaitingFirstAck { get; set; }

    internal SessionTimer? SessionTimer { get; set; }

    /// <summary>Set for dialogs made by INVITE (calls), which the keep-alive probes; not for subscriptions.</summary>
    internal bool IsInviteDialog { get; set; }

    public static string Key(string callId, string localTag, string remoteTag) => $"{callId}|{localTag}|{remoteTag}";

    /// <summary>§12.2.2: a request with a lower CSeq than the last one is out of order (500).</summary>
    internal bool AcceptRemoteCSeq(uint cseq)
    {
        lock (_gate)
        {
            if (RemoteSeq is { } last && cseq < last)
            {
                return false;
            }
            RemoteSeq = cseq;
            return true;
        }
    }

    /// <summary>Builds a request within the dialog (§12.2.1.1) with the next local CSeq.</summary>
    public SipRequest CreateRequest(string method) => CreateRequest(method, NextLocalSeq());

    /// <summary>Takes the next local CSeq number (§12.2.1.1: one per request in the dialog, ACK and CANCEL aside).</summary>
    internal uint NextLocalSeq()
    {
        lock (_gate)
        {
            return ++_localSeq;
        }
    }

    internal SipRequest CreateRequest(string method, uint seq)
    {
        var request = new SipRequest(method, RemoteTarget.Clone());
        foreach (var route in RouteSet)
        {
            request.Headers.Add(HeaderNames.Route, route);
        }
        request.Headers.Add(HeaderNames.MaxForwards, "70");
        request.Headers.Add(HeaderNames.From, LocalParty.ToString());
        request.Headers.Add(HeaderNames.To, RemoteParty.ToString());
        request.Headers.Add(HeaderNames.CallId, CallId);
        request.Headers.Add(HeaderNames.CSeq, new CSeqHeader(seq, method).ToString());
        if (LocalContact is not null && method is not (SipMethods.Bye or SipMethods.Cancel or SipMethods.Ack))
        {
            request.Headers.Add(HeaderNames.Contact, LocalContact.ToString());
        }
        return request;
    }
}
