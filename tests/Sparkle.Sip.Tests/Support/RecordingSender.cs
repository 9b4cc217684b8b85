using System.Collections.Concurrent;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Tests.Support;

/// <summary>Stands in for the transports: records what the transaction layer sends, with the fake time.</summary>
public sealed class RecordingSender(TimeProvider time) : ISipSender
{
    public ConcurrentQueue<(DateTimeOffset At, SipMessage Message, SipEndPoint To)> Sent { get; } = new();

    public SipEndPoint PrepareRequest(SipRequest request, SipEndPoint destination)
    {
        var via = request.TopVia ?? new ViaHeader { Branch = ViaHeader.NewBranch() };
        via.Transport = destination.Transport.ToVia();
        via.Host = "127.0.0.1";
        via.Port = 5060;
        request.Headers.RemoveFirstValue(HeaderNames.Via);
        request.Headers.AddFirst(HeaderNames.Via, via.ToString());
        return destination;
    }

    /// <summary>Runs synchronously on each send: lets a test play a peer that answers instantly.</summary>
    public Action<SipMessage>? OnSent { get; set; }

    public Task SendAsync(SipMessage message, SipEndPoint destination)
    {
        // Serialize and re-parse, as the wire would.
        var copy = Reparse(message);
        Sent.Enqueue((time.GetUtcNow(), copy, destination));
        OnSent?.Invoke(copy);
        return Task.CompletedTask;
    }

    public Task SendResponseAsync(SipResponse response, SipEndPoint requestSource) => SendAsync(response, requestSource);

    public List<SipResponse> Responses(int? status = null) =>
        Sent.Select(s => s.Message).OfType<SipResponse>().Where(r => status is null || r.StatusCode == status).ToList();

    public List<SipRequest> Requests(string? method = null) =>
        Sent.Select(s => s.Message).OfType<SipRequest>().Where(r => method is null || r.Method == method).ToList();

    public List<DateTimeOffset> TimesOf(Func<SipMessage, bool> match) =>
        Sent.Where(s => match(s.Message)).Select(s => s.At).ToList();

    private static SipMessage Reparse(SipMessage message)
    {
        var result = SipParser.ParseDatagram(message.ToBytes());
        return result.Message ?? throw new InvalidOperationException("sent an unparseable message: " + result.Error);
    }
}
