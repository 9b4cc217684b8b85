using System.Collections.Concurrent;
using System.Net;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transactions;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Tests.Support;

/// <summary>A transaction layer on a manual clock with a recording sender, fed messages directly.</summary>
public sealed class LayerHarness : ISipTransactionUser
{
    public static readonly SipEndPoint UdpPeer = new(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5070));
    public static readonly SipEndPoint TcpPeer = new(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Loopback, 5070));
    public static readonly SipEndPoint Local = new(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5060));

    public LayerHarness(bool attachUser = true)
    {
        Sender = new RecordingSender(Time);
        Layer = new SipTransactionLayer(Sender, Time);
        if (attachUser)
        {
            Layer.User = this;
        }
    }

    public ManualTimeProvider Time { get; } = new();
    public RecordingSender Sender { get; }
    public SipTransactionLayer Layer { get; }
    public DateTimeOffset Start { get; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public ConcurrentQueue<ServerTransaction> Requests { get; } = new();
    public ConcurrentQueue<SipInbound> Acks { get; } = new();
    public ConcurrentQueue<SipInbound> Strays { get; } = new();

    public void Receive(string text, SipEndPoint? from = null) =>
        Layer.OnMessage(new SipInbound(Support.Messages.ParseRequestOrResponse(text), from ?? UdpPeer, Local));

    public void Receive(SipMessage message, SipEndPoint? from = null) =>
        Layer.OnMessage(new SipInbound(Support.Messages.ParseRequestOrResponse(message.ToString()), from ?? UdpPeer, Local));

    /// <summary>Seconds since the start at which matching messages were sent.</summary>
    public List<double> SentAt(Func<SipMessage, bool> match) =>
        Sender.TimesOf(match).Select(t => (t - Start).TotalSeconds).ToList();

    public void OnRequest(ServerTransaction transaction) => Requests.Enqueue(transaction);

    public void OnAck(SipInbound ack) => Acks.Enqueue(ack);

    public void OnStrayResponse(SipInbound response) => Strays.Enqueue(response);
}
