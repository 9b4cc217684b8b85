using Sparkle.Sip.Messages;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Transactions;

/// <summary>RFC 3261 §17.2.2: Trying, Proceeding, Completed (Timer J), Terminated.</summary>
public sealed class NonInviteServerTransaction : ServerTransaction
{
    public enum States
    {
        Trying,
        Proceeding,
        Completed,
        Terminated,
    }

    internal NonInviteServerTransaction(SipTransactionLayer layer, string key, SipInbound inbound)
        : base(layer, key, inbound)
    {
    }

    public States State { get; private set; } = States.Trying;

    public override void Respond(SipResponse response)
    {
        lock (Gate)
        {
            if (State is not (States.Trying or States.Proceeding))
            {
                return;
            }
            LastResponse = response;
            SendResponse(response);
            if (response.StatusCode < 200)
            {
                State = States.Proceeding;
                return;
            }
            State = States.Completed;
            if (IsReliable)
            {
                Finish();
            }
            else
            {
                Schedule(Timers.SixtyFourT1, Finish);
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

    private void Finish()
    {
        State = States.Terminated;
        Terminate();
    }
}
