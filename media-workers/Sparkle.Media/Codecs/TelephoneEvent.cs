using System.Buffers.Binary;

namespace Sparkle.Media.Codecs;

/// <summary>Receives RFC 4733 telephone-event payloads and reports each DTMF key once: an event is
/// identified by its RTP timestamp, and its retransmitted end packets are ignored.</summary>
public sealed class TelephoneEventReceiver
{
    private bool _any;
    private uint _lastTimestamp;

    /// <summary>Returns true (with the digit) on the first packet of a new event.</summary>
    public bool TryReceive(uint rtpTimestamp, ReadOnlySpan<byte> payload, out char digit)
    {
        digit = '\0';
        if (payload.Length < 4)
        {
            return false;
        }
        var eventCode = payload[0];
        if (eventCode > 15)
        {
            return false; // not a DTMF event (RFC 4733 §3.2 lists 0-15 for DTMF)
        }
        if (_any && rtpTimestamp == _lastTimestamp)
        {
            return false;
        }
        _any = true;
        _lastTimestamp = rtpTimestamp;
        digit = "0123456789*#ABCD"[eventCode];
        return true;
    }

    /// <summary>Writes one telephone-event payload (for tests and a future DTMF sender).</summary>
    public static int Write(Span<byte> destination, char digit, bool end, byte volume, ushort duration)
    {
        var code = "0123456789*#ABCD".IndexOf(char.ToUpperInvariant(digit));
        if (code < 0)
        {
            throw new ArgumentException("Not a DTMF digit.", nameof(digit));
        }
        destination[0] = (byte)code;
        destination[1] = (byte)((end ? 0x80 : 0) | (volume & 0x3F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], duration);
        return 4;
    }
}
