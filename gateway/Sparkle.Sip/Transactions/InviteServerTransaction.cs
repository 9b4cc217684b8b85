using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Transactions;

/// <summary>RFC 3261 §17.2.1 with RFC 6026: Proceeding, Completed, Confirmed, Accepted, Terminated.</summary>
public sealed class InviteServerTransaction : ServerTransaction
{
    public enum States
    {
        Proceeding,
        Completed,
        Confirmed,
        Accepted,
        Terminated,
    }

    private ITimer? _timerG;
    private TimeSpan _intervalG;

    internal InviteServerTransaction(SipTransactionLayer layer, string key, SipInbound inbound)
        : base(layer, key, inbound)
    {
        lock (Gate)
        {
            // 100 Trying unless the TU answers within 200 ms (§17.2.1).
            Schedule(Timers.TryingDelay, () =>
            {
                if (State == States.Proceeding && LastResponse is null)
                {
                    LastResponse = Request.CreateResponse(100);
                    SendResponse(LastResponse);
                }
            });
        }
    }

    public States State { get; private set; } = States.Proceeding;

    public override void Respond(Messages.SipResponse response)
    {
        lock (Gate)
        {
            switch (State)
            {
                case States.Proceeding when response.StatusCode < 200:
                    LastResponse = response;
                    SendResponse(response);
                    break;
                case States.Proceeding when response.StatusCode < 300:
                    LastResponse = response;
                    SendResponse(response);
                    State = States.Accepted;
                    Schedule(Timers.SixtyFourT1, TimerL);
                    break;
                case States.Proceeding:
                    LastResponse = response;
                    SendResponse(response);
                    State = States.Completed;
                    if (!IsReliable)
                    {
                        _intervalG = Timers.T1;
                        _timerG = Schedule(_intervalG, TimerG);
                    }
                    Schedule(Timers.SixtyFourT1, TimerH);
                    break;
                case States.Accepted when response.StatusCode is >= 200 and < 300:
                    // RFC 6026 §7.1: 2xx retransmissions from the TU pass through.
                    SendResponse(response);
                    break;
            }
        }
    }

    internal override void OnRetransmission()
    {
        lock (Gate)
        {
            if (State is States.Proceeding or States.Completed && LastResponse is not null)
            {
                SendResponse(LastResponse);
            }
        }
    }

    /// <summary>Returns true when the transaction absorbs the ACK (non-2xx), false when the TU must see it.</summary>
    internal bool OnAck()
    {
        lock (Gate)
        {
            switch (State)
            {
                case States.Completed:
                    State = States.Confirmed;
                    Cancel(ref _timerG);
                    if (IsReliable)
                    {
                        Finish();
                    }
                    else
                    {
                        Schedule(Timers.T4, Finish);
                    }
                    return true;
                case States.Confirmed:
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>Timer H fired: the ACK never came.</summary>
    public bool AckTimedOut { get; private set; }

    private void TimerG()
    {
        if (State != States.Completed || LastResponse is null)
        {
            return;
        }
        SendResponse(LastResponse);
        _intervalG = TimeSpan.FromTicks(Math.Min(_intervalG.Ticks * 2, Timers.T2.Ticks));
        _timerG = Schedule(_intervalG, TimerG);
    }

    private void TimerH()
    {
        if (State == States.Completed)
        {
            AckTimedOut = true;
            Finish();
        }
    }

    private void TimerL()
    {
        if (State == States.Accepted)
        {
            Finish();
        }
    }

    private void Finish()
    {
        State = States.Terminated;
        Terminate();
    }
}
