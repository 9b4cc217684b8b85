using Microsoft.Extensions.Logging;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Transactions;

/// <summary>State shared by the four RFC 3261 §17 state machines: a lock, named timers on an injectable
/// clock, and termination.</summary>
public abstract class SipTransaction
{
    private readonly List<ITimer> _timers = [];
    private bool _terminated;

    private protected SipTransaction(SipTransactionLayer layer, string key, SipRequest request, SipEndPoint peer)
    {
        Layer = layer;
        Key = key;
        Request = request;
        Peer = peer;
    }

    private protected SipTransactionLayer Layer { get; }
    private protected object Gate { get; } = new();

    public string Key { get; }
    public SipRequest Request { get; }
    /// <summary>Where requests go (client) or where the request came from (server).</summary>
    public SipEndPoint Peer { get; private protected set; }
    public bool IsReliable => Peer.Transport.IsReliable();
    public bool IsTerminated
    {
        get
        {
            lock (Gate)
            {
                return _terminated;
            }
        }
    }

    public event Action<SipTransaction>? Terminated;

    private protected SipTimers Timers => Layer.Timers;

    /// <summary>Runs <paramref name="action"/> under the lock after <paramref name="due"/>, unless the
    /// transaction has terminated by then.</summary>
    private protected ITimer Schedule(TimeSpan due, Action action)
    {
        ITimer? timer = null;
        timer = Layer.Time.CreateTimer(_ =>
        {
            lock (Gate)
            {
                if (_terminated)
                {
                    return;
                }
                try
                {
                    action();
                }
                catch (Exception ex)
                {
                    Layer.Logger.LogError(ex, "Timer callback failed in transaction {Key}", Key);
                }
            }
        }, null, due, Timeout.InfiniteTimeSpan);
        _timers.Add(timer);
        return timer;
    }

    private protected static void Cancel(ref ITimer? timer)
    {
        timer?.Dispose();
        timer = null;
    }

    /// <summary>Called under the lock.</summary>
    private protected void Terminate()
    {
        if (_terminated)
        {
            return;
        }
        _terminated = true;
        foreach (var t in _timers)
        {
            t.Dispose();
        }
        _timers.Clear();
        Layer.Remove(this);
        var handler = Terminated;
        if (handler is not null)
        {
            ThreadPool.QueueUserWorkItem(_ => handler(this));
        }
    }

    private protected void Send(SipMessage message) => Layer.Send(message, Peer, this as ClientTransaction);
}
