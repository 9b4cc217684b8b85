using Sparkle.Media.Codecs;

namespace Sparkle.Media.Tests.Codecs;

public class TelephoneEventTests
{
    [Fact]
    public void EachKeyPressIsReportedOnceDespiteRetransmittedPackets()
    {
        var receiver = new TelephoneEventReceiver();
        var payload = new byte[4];
        var digits = new List<char>();
        void Feed(uint ts, char digit, bool end, ushort duration)
        {
            TelephoneEventReceiver.Write(payload, digit, end, 10, duration);
            if (receiver.TryReceive(ts, payload, out var d))
            {
                digits.Add(d);
            }
        }
        Feed(1000, '1', false, 160);
        Feed(1000, '1', false, 320);
        Feed(1000, '1', true, 480);
        Feed(1000, '1', true, 480); // end retransmitted (RFC 4733 §2.5.1.4)
        Feed(1000, '1', true, 480);
        Feed(3000, '#', false, 160);
        Feed(3000, '#', true, 320);
        Feed(5000, '1', false, 160); // same key again is a new event

        Assert.Equal(['1', '#', '1'], digits);
    }

    [Fact]
    public void NonDtmfEventsAndShortPayloadsAreIgnored()
    {
        var receiver = new TelephoneEventReceiver();
        Assert.False(receiver.TryReceive(1, [32, 0, 0, 160], out _)); // event 32: fax tone, not a key
        Assert.False(receiver.TryReceive(2, [1, 0], out _));
    }
}
