using Sparkle.Sip.Messages;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Transactions;

/// <summary>RFC 3261 §17.1.2: Trying (Timers E, F), Proceeding, Completed (Timer K), Terminated.</summary>
public sealed class NonInviteClientTransaction : ClientTransaction
{
    public enum States
    {
        Trying,
        Proceeding,
        Completed,
        Terminated,
    }

    private ITimer? _timerE;
    private TimeSpan _intervalE;

    internal NonInviteClientTransaction(SipTransactionLayer layer, string key, SipRequest request, SipEndPoint destination)
        : base(layer, key, request, destination)
    {
    }

    public States State { get; private set; } = States.Trying;

    internal override void Start()
    {
        lock (Gate)
        {
            Send(Request);
            if (!IsReliable)
            {
                _intervalE = Timers.T1;
                _timerE = Schedule(_intervalE, TimerE);
            }
            Schedule(Timers.SixtyFourT1, () =>
            {
                if (State is States.Trying or States.Proceeding)
                {
                    State = States.Terminated;
                    TimeOut();
                }
            });
        }
    }

    internal override void OnResponse(SipResponse response)
    {
        lock (Gate)
        {
            if (State is not (States.Trying or States.Proceeding))
            {
                return;
            }
            if (response.StatusCode < 200)
            {
                State = States.Proceeding;
                ReceivedProvisional = true;
                PassUp(response);
                return;
            }
            State = States.Completed;
            Cancel(ref _timerE);
            CompleteWith(response);
            PassUp(response);
            if (IsReliable)
            {
                Finish();
            }
            else
            {
                Schedule(Timers.T4, Finish);
            }
        }
    }

    private void TimerE()
    {
        if (State is not (States.Trying or States.Proceeding))
        {
            return;
        }
        Send(Request);
        // Trying: double up to T2; Proceeding: every T2 (§17.1.2.2).
        _intervalE = State == States.Proceeding
            ? Timers.T2
            : TimeSpan.FromTicks(Math.Min(_intervalE.Ticks * 2, Timers.T2.Ticks));
        _timerE = Schedule(_intervalE, TimerE);
    }

    private void Finish()
    {
        State = States.Terminated;
        Terminate();
    }
}
