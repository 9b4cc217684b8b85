using Sparkle.Sip.Messages;
using Sparkle.Sip.Transport;

namespace Sparkle.Sip.Transactions;

/// <summary>RFC 3261 §17.1.1 with RFC 6026: Calling (Timers A, B), Proceeding, Completed (Timer D, ACK
/// for non-2xx), Accepted (Timer M, every 2xx passed up), Terminated.</summary>
public sealed class InviteClientTransaction : ClientTransaction
{
    public enum States
    {
        Calling,
        Proceeding,
        Completed,
        Accepted,
        Terminated,
    }

    private ITimer? _timerA;
    private TimeSpan _intervalA;
    private ITimer? _timerB;
    private SipRequest? _ack;

    internal InviteClientTransaction(SipTransactionLayer layer, string key, SipRequest request, SipEndPoint destination)
        : base(layer, key, request, destination)
    {
    }

    public States State { get; private set; } = States.Calling;

    internal override void Start()
    {
        lock (Gate)
        {
            Send(Request);
            if (!IsReliable)
            {
                _intervalA = Timers.T1;
                _timerA = Schedule(_intervalA, TimerA);
            }
            _timerB = Schedule(Timers.SixtyFourT1, () =>
            {
                if (State == States.Calling)
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
            switch (State)
            {
                case States.Calling or States.Proceeding when response.StatusCode < 200:
                    State = States.Proceeding;
                    ReceivedProvisional = true;
                    Cancel(ref _timerA);
                    Cancel(ref _timerB);
                    PassUp(response);
                    break;
                case States.Calling or States.Proceeding when response.StatusCode < 300:
                    State = States.Accepted;
                    Cancel(ref _timerA);
                    Cancel(ref _timerB);
                    CompleteWith(response);
                    PassUp(response);
                    Schedule(Timers.SixtyFourT1, Finish);
                    break;
                case States.Calling or States.Proceeding:
                    State = States.Completed;
                    Cancel(ref _timerA);
                    Cancel(ref _timerB);
                    _ack = BuildAck(response);
                    Send(_ack);
                    CompleteWith(response);
                    PassUp(response);
                    if (IsReliable)
                    {
                        Finish();
                    }
                    else
                    {
                        Schedule(Timers.TimerD, Finish);
                    }
                    break;
                case States.Completed when response.StatusCode >= 300 && _ack is not null:
                    Send(_ack);
                    break;
                case States.Accepted when response.StatusCode is >= 200 and < 300:
                    // Retransmitted or forked 2xx: the TU (UAC core) sends the ACK again.
                    PassUp(response);
                    break;
            }
        }
    }

    /// <summary>§17.1.1.3: the ACK for a non-2xx final response belongs to the transaction.</summary>
    private SipRequest BuildAck(SipResponse response)
    {
        var ack = new SipRequest(SipMethods.Ack, Request.RequestUri);
        ack.Headers.Add(HeaderNames.Via, Request.Headers.GetValues(HeaderNames.Via)[0]);
        foreach (var route in Request.Headers.GetLines(HeaderNames.Route))
        {
            ack.Headers.Add(HeaderNames.Route, route);
        }
        ack.Headers.Add(HeaderNames.MaxForwards, "70");
        ack.Headers.Add(HeaderNames.From, Request.Headers.Get(HeaderNames.From) ?? "");
        ack.Headers.Add(HeaderNames.To, response.Headers.Get(HeaderNames.To) ?? "");
        ack.Headers.Add(HeaderNames.CallId, Request.CallId ?? "");
        ack.Headers.Add(HeaderNames.CSeq, new CSeqHeader(Request.CSeq?.Number ?? 1, SipMethods.Ack).ToString());
        return ack;
    }

    private void TimerA()
    {
        if (State != States.Calling)
        {
            return;
        }
        Send(Request);
        _intervalA *= 2;
        _timerA = Schedule(_intervalA, TimerA);
    }

    private void Finish()
    {
        State = States.Terminated;
        Terminate();
    }
}
