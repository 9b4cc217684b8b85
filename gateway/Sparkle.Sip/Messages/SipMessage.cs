namespace Sparkle.Sip.Messages;

/// <summary>A SIP request or response: headers and an opaque body (SDP and XML are not this layer's).</summary>
public abstract class SipMessage
{
    public SipHeaderList Headers { get; } = new();
    public byte[] Body { get; set; } = [];

    /// <summary>The address and port this message arrived from, set by the transport; null for messages built
    /// here. Lets layers above (digest checks, abuse limits) name the source without a Via it wrote itself.</summary>
    public System.Net.IPEndPoint? Source { get; internal set; }

    public string BodyText
    {
        get => System.Text.Encoding.UTF8.GetString(Body);
        set => Body = System.Text.Encoding.UTF8.GetBytes(value);
    }

    public string? CallId => Headers.Get(HeaderNames.CallId);
    public string? ContentType => Headers.Get(HeaderNames.ContentType);

    public CSeqHeader? CSeq => CSeqHeader.TryParse(Headers.Get(HeaderNames.CSeq), out var c) ? c : null;

    /// <summary>The top Via, or null when absent or unparseable.</summary>
    public ViaHeader? TopVia
    {
        get
        {
            var values = Headers.GetValues(HeaderNames.Via);
            return values.Count > 0 && ViaHeader.TryParse(values[0], out var via) ? via : null;
        }
    }

    public NameAddress? From => NameAddress.TryParse(Headers.Get(HeaderNames.From), out var na) ? na : null;
    public NameAddress? To => NameAddress.TryParse(Headers.Get(HeaderNames.To), out var na) ? na : null;

    public NameAddress? Contact
    {
        get
        {
            var values = Headers.GetValues(HeaderNames.Contact);
            return values.Count > 0 && NameAddress.TryParse(values[0], out var na) ? na : null;
        }
    }

    public string? FromTag => From?.Tag;
    public string? ToTag => To?.Tag;

    /// <summary>Replaces the top Via (e.g. after adding received/rport).</summary>
    public void SetTopVia(ViaHeader via)
    {
        Headers.RemoveFirstValue(HeaderNames.Via);
        Headers.AddFirst(HeaderNames.Via, via.ToString());
    }

    public byte[] ToBytes() => SipSerializer.Serialize(this);

    public override string ToString() => System.Text.Encoding.UTF8.GetString(ToBytes());
}
