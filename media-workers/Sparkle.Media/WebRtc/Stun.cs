using System.Buffers.Binary;
using System.IO.Hashing;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Sparkle.Media.WebRtc;

/// <summary>STUN wire constants (RFC 5389 / RFC 8489, ICE attributes from RFC 8445 §16).</summary>
internal static class Stun
{
    public const int HeaderLength = 20;
    public const uint MagicCookie = 0x2112A442;
    public const uint FingerprintXor = 0x5354554E;
    public const int TransactionIdLength = 12;
    public const int HmacSha1Length = 20;

    public const ushort BindingRequest = 0x0001;
    public const ushort BindingSuccess = 0x0101;

    public const ushort AttrMappedAddress = 0x0001;
    public const ushort AttrUsername = 0x0006;
    public const ushort AttrMessageIntegrity = 0x0008;
    public const ushort AttrErrorCode = 0x0009;
    public const ushort AttrUnknownAttributes = 0x000A;
    public const ushort AttrRealm = 0x0014;
    public const ushort AttrNonce = 0x0015;
    public const ushort AttrXorMappedAddress = 0x0020;
    public const ushort AttrPriority = 0x0024;
    public const ushort AttrUseCandidate = 0x0025;
    public const ushort AttrSoftware = 0x8022;
    public const ushort AttrFingerprint = 0x8028;
    public const ushort AttrIceControlled = 0x8029;
    public const ushort AttrIceControlling = 0x802A;

    /// <summary>FINGERPRINT value over everything before the attribute (RFC 5389 §15.5).</summary>
    public static uint Fingerprint(ReadOnlySpan<byte> messageBeforeAttribute) =>
        Crc32.HashToUInt32(messageBeforeAttribute) ^ FingerprintXor;

    /// <summary>Attributes below 0x8000 that we understand; any other comprehension-required one makes
    /// RFC 5389 §7.3.1 answer 420, and we drop instead (a browser never sends one).</summary>
    public static bool IsKnownComprehensionRequired(ushort type) => type switch
    {
        AttrMappedAddress or AttrUsername or AttrMessageIntegrity or AttrErrorCode or AttrUnknownAttributes
            or AttrRealm or AttrNonce or AttrXorMappedAddress or AttrPriority or AttrUseCandidate => true,
        _ => false,
    };
}

/// <summary>Writes one STUN message into a caller's buffer, attribute by attribute; the header's length
/// field is kept up to date so MESSAGE-INTEGRITY and FINGERPRINT cover the right bytes.</summary>
internal ref struct StunMessageWriter
{
    private readonly Span<byte> _buffer;
    private int _length;

    public StunMessageWriter(Span<byte> destination, ushort messageType, ReadOnlySpan<byte> transactionId)
    {
        if (transactionId.Length != Stun.TransactionIdLength)
        {
            throw new ArgumentException("A STUN transaction id is 12 bytes.", nameof(transactionId));
        }
        if (destination.Length < Stun.HeaderLength)
        {
            throw new ArgumentException("Too small for a STUN header.", nameof(destination));
        }
        _buffer = destination;
        BinaryPrimitives.WriteUInt16BigEndian(destination, messageType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Stun.MagicCookie);
        transactionId.CopyTo(destination[8..]);
        _length = Stun.HeaderLength;
    }

    public readonly int Length => _length;

    /// <summary>Bytes an attribute with this value length takes, padding included.</summary>
    public static int AttributeSize(int valueLength) => 4 + ((valueLength + 3) & ~3);

    public readonly bool HasRoom(int valueLength) => _length + AttributeSize(valueLength) <= _buffer.Length;

    /// <summary>Appends an attribute; paddingByte exists only so that tests can rebuild RFC 5769's vectors
    /// (which pad with spaces) byte for byte.</summary>
    public void Add(ushort type, ReadOnlySpan<byte> value, byte paddingByte = 0)
    {
        var value0 = Reserve(type, value.Length);
        value.CopyTo(_buffer[value0..]);
        _buffer.Slice(value0 + value.Length, AttributeSize(value.Length) - 4 - value.Length).Fill(paddingByte);
    }

    public void AddUInt32(ushort type, uint value)
    {
        var value0 = Reserve(type, 4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[value0..], value);
    }

    public void AddUInt64(ushort type, ulong value)
    {
        var value0 = Reserve(type, 8);
        BinaryPrimitives.WriteUInt64BigEndian(_buffer[value0..], value);
    }

    /// <summary>XOR-MAPPED-ADDRESS (RFC 5389 §15.2): the port XORed with the cookie's top half, an IPv4
    /// address with the cookie, an IPv6 address with the cookie and the transaction id.</summary>
    public void AddXorMappedAddress(AddressFamily family, ushort port, ReadOnlySpan<byte> address)
    {
        var addressLength = family == AddressFamily.InterNetwork ? 4 : 16;
        if (address.Length != addressLength)
        {
            throw new ArgumentException("Address length does not match its family.", nameof(address));
        }
        var value0 = Reserve(Stun.AttrXorMappedAddress, 4 + addressLength);
        var value = _buffer.Slice(value0, 4 + addressLength);
        value[0] = 0;
        value[1] = family == AddressFamily.InterNetwork ? (byte)0x01 : (byte)0x02;
        BinaryPrimitives.WriteUInt16BigEndian(value[2..], (ushort)(port ^ (Stun.MagicCookie >> 16)));
        // The cookie and the transaction id sit at bytes 4..19 of the header: exactly the XOR pad.
        var pad = _buffer.Slice(4, 16);
        for (var i = 0; i < addressLength; i++)
        {
            value[4 + i] = (byte)(address[i] ^ pad[i]);
        }
    }

    /// <summary>MESSAGE-INTEGRITY: HMAC-SHA1 over the message so far, with the length field already
    /// counting this attribute (RFC 5389 §15.4).</summary>
    public void AddMessageIntegrity(ReadOnlySpan<byte> key)
    {
        var start = _length;
        var value0 = Reserve(Stun.AttrMessageIntegrity, Stun.HmacSha1Length);
        HMACSHA1.HashData(key, _buffer[..start], _buffer.Slice(value0, Stun.HmacSha1Length));
    }

    /// <summary>FINGERPRINT: CRC-32 of the message so far (length field counting it) XOR 0x5354554e.</summary>
    public void AddFingerprint()
    {
        var start = _length;
        var value0 = Reserve(Stun.AttrFingerprint, 4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[value0..], Stun.Fingerprint(_buffer[..start]));
    }

    private int Reserve(ushort type, int valueLength)
    {
        var size = AttributeSize(valueLength);
        if (_length + size > _buffer.Length)
        {
            throw new ArgumentException("The STUN message does not fit its buffer.");
        }
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_length..], type);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[(_length + 2)..], (ushort)valueLength);
        var value0 = _length + 4;
        _length += size;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(_length - Stun.HeaderLength));
        return value0;
    }
}

/// <summary>The attributes of one STUN message that ICE needs, located without copying.</summary>
internal ref struct StunMessageReader
{
    public ushort MessageType;
    public ReadOnlySpan<byte> TransactionId;
    public ReadOnlySpan<byte> Username;
    public bool HasUsername;
    public bool UseCandidate;
    /// <summary>Offset of the MESSAGE-INTEGRITY attribute's header, -1 if absent.</summary>
    public int IntegrityOffset;
    /// <summary>Offset of the FINGERPRINT attribute's header, -1 if absent.</summary>
    public int FingerprintOffset;
    public bool HasUnknownComprehensionRequired;

    /// <summary>Parses the header and walks the attributes; false for anything that is not a well-formed
    /// STUN message filling the whole datagram. Never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out StunMessageReader message)
    {
        message = default;
        message.IntegrityOffset = -1;
        message.FingerprintOffset = -1;
        if (packet.Length < Stun.HeaderLength || (packet[0] & 0xC0) != 0
            || BinaryPrimitives.ReadUInt32BigEndian(packet[4..]) != Stun.MagicCookie)
        {
            return false;
        }
        int bodyLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if ((bodyLength & 3) != 0 || Stun.HeaderLength + bodyLength != packet.Length)
        {
            return false;
        }
        message.MessageType = BinaryPrimitives.ReadUInt16BigEndian(packet);
        message.TransactionId = packet.Slice(8, Stun.TransactionIdLength);
        var offset = Stun.HeaderLength;
        while (offset < packet.Length)
        {
            if (packet.Length - offset < 4)
            {
                return false;
            }
            var type = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
            var size = StunMessageWriter.AttributeSize(length);
            if (size > packet.Length - offset)
            {
                return false;
            }
            if (message.FingerprintOffset >= 0)
            {
                return false; // FINGERPRINT must be the last attribute (RFC 5389 §15.5)
            }
            var value = packet.Slice(offset + 4, length);
            if (type == Stun.AttrFingerprint)
            {
                if (length != 4)
                {
                    return false;
                }
                message.FingerprintOffset = offset;
            }
            else if (message.IntegrityOffset >= 0)
            {
                // RFC 5389 §15.4: attributes after MESSAGE-INTEGRITY, other than FINGERPRINT, are ignored.
            }
            else
            {
                switch (type)
                {
                    case Stun.AttrMessageIntegrity:
                        if (length != Stun.HmacSha1Length)
                        {
                            return false;
                        }
                        message.IntegrityOffset = offset;
                        break;
                    case Stun.AttrUsername:
                        if (message.HasUsername)
                        {
                            return false;
                        }
                        message.HasUsername = true;
                        message.Username = value;
                        break;
                    case Stun.AttrUseCandidate:
                        if (length != 0)
                        {
                            return false;
                        }
                        message.UseCandidate = true;
                        break;
                    default:
                        if (type < 0x8000 && !Stun.IsKnownComprehensionRequired(type))
                        {
                            message.HasUnknownComprehensionRequired = true;
                        }
                        break;
                }
            }
            offset += size;
        }
        return true;
    }

    /// <summary>Checks FINGERPRINT (which must be present) against the message it ends.</summary>
    public readonly bool FingerprintMatches(ReadOnlySpan<byte> packet) =>
        FingerprintOffset >= 0
        && BinaryPrimitives.ReadUInt32BigEndian(packet[(FingerprintOffset + 4)..]) == Stun.Fingerprint(packet[..FingerprintOffset]);

    /// <summary>Checks MESSAGE-INTEGRITY under a short-term key: HMAC-SHA1 over the message up to the
    /// attribute, with the header's length as if the message ended right after it (RFC 5389 §15.4).</summary>
    public readonly bool IntegrityMatches(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> key)
    {
        if (IntegrityOffset < Stun.HeaderLength || IntegrityOffset > MaxCoveredLength)
        {
            return false;
        }
        // A copy with the adjusted length field, on the stack: the static HMAC allocates nothing.
        Span<byte> covered = stackalloc byte[IntegrityOffset];
        packet[..IntegrityOffset].CopyTo(covered);
        BinaryPrimitives.WriteUInt16BigEndian(covered[2..], (ushort)(IntegrityOffset + 4 + Stun.HmacSha1Length - Stun.HeaderLength));
        Span<byte> expected = stackalloc byte[Stun.HmacSha1Length];
        HMACSHA1.HashData(key, covered, expected);
        return CryptographicOperations.FixedTimeEquals(expected, packet.Slice(IntegrityOffset + 4, Stun.HmacSha1Length));
    }

    /// <summary>Bound on the bytes MESSAGE-INTEGRITY may cover (a browser's check is about 100 bytes).</summary>
    public const int MaxCoveredLength = 1400;
}
