using System.Buffers.Binary;
using System.Security.Cryptography;
using Sparkle.Media.Rtp;

namespace Sparkle.Media.Srtp;

/// <summary>One direction of an SRTP/SRTCP session under one master key (RFC 3711): use one context to
/// protect what we send and another (with the peer's key) to unprotect what we receive. It follows one
/// SSRC at a time; a new SSRC restarts the rollover and replay state. Not thread-safe: each direction
/// belongs to one thread. Buffers are reused, so no packet allocates.</summary>
public sealed class SrtpContext : IDisposable
{
    private readonly SrtpSuite _suite;
    private readonly AesCounterMode _rtpCipher;
    private readonly AesCounterMode _rtcpCipher;
    private readonly IncrementalHash _rtpMac;
    private readonly IncrementalHash _rtcpMac;
    private readonly byte[] _rtpSalt = new byte[SrtpSuites.MasterSaltLength];
    private readonly byte[] _rtcpSalt = new byte[SrtpSuites.MasterSaltLength];
    private readonly SrtpReplayWindow _rtpWindow = new();
    private readonly SrtpReplayWindow _rtcpWindow = new();

    // Sender state.
    private bool _txStarted;
    private uint _txSsrc;
    private ushort _txLastSeq;
    private uint _txRoc;
    private uint _txRtcpIndex;

    // Receiver state (RFC 3711 Appendix A: s_l and ROC).
    private bool _rxStarted;
    private uint _rxSsrc;
    private ushort _rxHighestSeq;
    private uint _rxRoc;
    private uint _rxRtcpSsrc;

    public SrtpContext(SrtpSuite suite, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        if (masterKey.Length != SrtpSuites.MasterKeyLength || masterSalt.Length != SrtpSuites.MasterSaltLength)
        {
            throw new ArgumentException("AES_CM_128 needs a 16-byte master key and a 14-byte master salt.");
        }
        _suite = suite;
        Span<byte> key = stackalloc byte[16];
        Span<byte> auth = stackalloc byte[20];
        using (var master = new AesCounterMode(masterKey))
        {
            SrtpKeyDerivation.Derive(master, masterSalt, SrtpKeyDerivation.RtpEncryption, key);
            _rtpCipher = new AesCounterMode(key);
            SrtpKeyDerivation.Derive(master, masterSalt, SrtpKeyDerivation.RtpAuthentication, auth);
            _rtpMac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, auth);
            SrtpKeyDerivation.Derive(master, masterSalt, SrtpKeyDerivation.RtpSalt, _rtpSalt);
            SrtpKeyDerivation.Derive(master, masterSalt, SrtpKeyDerivation.RtcpEncryption, key);
            _rtcpCipher = new AesCounterMode(key);
            SrtpKeyDerivation.Derive(master, masterSalt, SrtpKeyDerivation.RtcpAuthentication, auth);
            _rtcpMac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, auth);
            SrtpKeyDerivation.Derive(master, masterSalt, SrtpKeyDerivation.RtcpSalt, _rtcpSalt);
        }
        CryptographicOperations.ZeroMemory(key);
        CryptographicOperations.ZeroMemory(auth);
    }

    /// <summary>From SDES key material: 30 bytes, master key then master salt (RFC 4568 §6.1).</summary>
    public static SrtpContext FromKeyMaterial(SrtpSuite suite, ReadOnlySpan<byte> keyAndSalt) =>
        keyAndSalt.Length == SrtpSuites.MasterKeyLength + SrtpSuites.MasterSaltLength
            ? new SrtpContext(suite, keyAndSalt[..SrtpSuites.MasterKeyLength], keyAndSalt[SrtpSuites.MasterKeyLength..])
            : throw new ArgumentException("SDES key material is 30 bytes.", nameof(keyAndSalt));

    public SrtpSuite Suite => _suite;

    /// <summary>Bytes ProtectRtp appends.</summary>
    public int RtpOverhead => _suite.RtpTagLength();

    /// <summary>Bytes ProtectRtcp appends (E flag + index, then the tag).</summary>
    public static int RtcpOverhead => 4 + SrtpSuites.SrtcpTagLength;

    /// <summary>Encrypts and authenticates the RTP packet in buffer[..length] in place, appending the tag.</summary>
    public SrtpStatus ProtectRtp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if (!RtpHeader.TryParse(buffer[..length], out var header))
        {
            return SrtpStatus.Malformed;
        }
        var tagLength = _suite.RtpTagLength();
        if (buffer.Length < length + tagLength)
        {
            return SrtpStatus.BufferTooSmall;
        }
        uint roc;
        if (!_txStarted || header.Ssrc != _txSsrc)
        {
            _txStarted = true;
            _txSsrc = header.Ssrc;
            _txRoc = 0;
            _txLastSeq = header.SequenceNumber;
            roc = 0;
        }
        else if ((short)(header.SequenceNumber - _txLastSeq) > 0)
        {
            if (header.SequenceNumber < _txLastSeq)
            {
                _txRoc++; // the 16-bit sequence number wrapped
            }
            _txLastSeq = header.SequenceNumber;
            roc = _txRoc;
        }
        else
        {
            // At or behind the highest sent: a retransmission (NACK) keeps its original index, which may
            // be from before the last wrap (RFC 3711 §3.3.1).
            roc = header.SequenceNumber > _txLastSeq ? _txRoc - 1 : _txRoc;
        }
        var index = ((ulong)roc << 16) | header.SequenceNumber;

        Span<byte> iv = stackalloc byte[16];
        BuildIv(_rtpSalt, header.Ssrc, index, iv);
        _rtpCipher.Apply(iv, buffer[header.HeaderLength..length]);
        Span<byte> mac = stackalloc byte[20];
        ComputeRtpMac(buffer, length, roc, mac); // the tag is at least 4 bytes, so the ROC fits there
        mac[..tagLength].CopyTo(buffer.Slice(length, tagLength));
        protectedLength = length + tagLength;
        return SrtpStatus.Ok;
    }

    /// <summary>Verifies and decrypts an SRTP packet in place; plainLength excludes the tag.</summary>
    public SrtpStatus UnprotectRtp(Span<byte> packet, out int plainLength)
    {
        plainLength = 0;
        var tagLength = _suite.RtpTagLength();
        if (packet.Length < RtpHeader.MinLength + tagLength
            || !RtpHeader.TryParse(packet[..^tagLength], out var header))
        {
            return SrtpStatus.Malformed;
        }
        var seq = header.SequenceNumber;
        var newStream = !_rxStarted || header.Ssrc != _rxSsrc;
        var roc = newStream ? 0u : EstimateRoc(seq);
        var index = ((ulong)roc << 16) | seq;
        if (!newStream && _rtpWindow.IsReplayOrTooOld(index))
        {
            return SrtpStatus.Replay;
        }
        var authenticated = packet[..^tagLength];
        Span<byte> received = stackalloc byte[10];
        packet[^tagLength..].CopyTo(received); // the MAC input borrows the tag's place for the ROC
        Span<byte> expected = stackalloc byte[20];
        ComputeRtpMac(packet, authenticated.Length, roc, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected[..tagLength], received[..tagLength]))
        {
            received[..tagLength].CopyTo(packet[^tagLength..]);
            return SrtpStatus.AuthenticationFailed;
        }

        if (newStream)
        {
            _rxStarted = true;
            _rxSsrc = header.Ssrc;
            _rxRoc = 0;
            _rxHighestSeq = seq;
            _rtpWindow.Reset();
        }
        else if (roc > _rxRoc || (roc == _rxRoc && seq > _rxHighestSeq))
        {
            _rxRoc = roc;
            _rxHighestSeq = seq;
        }
        _rtpWindow.Accept(index);

        Span<byte> iv = stackalloc byte[16];
        BuildIv(_rtpSalt, header.Ssrc, index, iv);
        _rtpCipher.Apply(iv, authenticated[header.HeaderLength..]);
        plainLength = authenticated.Length;
        return SrtpStatus.Ok;
    }

    /// <summary>Encrypts the compound RTCP packet in buffer[..length] in place and appends E||index and the tag.</summary>
    public SrtpStatus ProtectRtcp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if (length < 8)
        {
            return SrtpStatus.Malformed;
        }
        if (buffer.Length < length + RtcpOverhead)
        {
            return SrtpStatus.BufferTooSmall;
        }
        // libsrtp numbers the first SRTCP packet 1; receivers accept either.
        _txRtcpIndex = (_txRtcpIndex + 1) & 0x7FFF_FFFF;
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        Span<byte> iv = stackalloc byte[16];
        BuildIv(_rtcpSalt, ssrc, _txRtcpIndex, iv);
        _rtcpCipher.Apply(iv, buffer[8..length]);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[length..], 0x8000_0000u | _txRtcpIndex);
        var authenticated = buffer[..(length + 4)];
        Span<byte> mac = stackalloc byte[20];
        _rtcpMac.AppendData(authenticated);
        _rtcpMac.GetHashAndReset(mac);
        mac[..SrtpSuites.SrtcpTagLength].CopyTo(buffer[(length + 4)..]);
        protectedLength = length + RtcpOverhead;
        return SrtpStatus.Ok;
    }

    /// <summary>Verifies and (if the E flag is set) decrypts an SRTCP packet in place.</summary>
    public SrtpStatus UnprotectRtcp(Span<byte> packet, out int plainLength)
    {
        plainLength = 0;
        if (packet.Length < 8 + RtcpOverhead)
        {
            return SrtpStatus.Malformed;
        }
        var authenticated = packet[..^SrtpSuites.SrtcpTagLength];
        var trailer = BinaryPrimitives.ReadUInt32BigEndian(authenticated[^4..]);
        var encrypted = (trailer & 0x8000_0000u) != 0;
        var index = trailer & 0x7FFF_FFFFu;
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        if (ssrc != _rxRtcpSsrc)
        {
            // A new sender: its index space starts afresh (checked after authentication below).
            if (!VerifyRtcpTag(packet, authenticated))
            {
                return SrtpStatus.AuthenticationFailed;
            }
            _rxRtcpSsrc = ssrc;
            _rtcpWindow.Reset();
        }
        else
        {
            if (_rtcpWindow.IsReplayOrTooOld(index))
            {
                return SrtpStatus.Replay;
            }
            if (!VerifyRtcpTag(packet, authenticated))
            {
                return SrtpStatus.AuthenticationFailed;
            }
        }
        _rtcpWindow.Accept(index);
        var body = authenticated[..^4];
        if (encrypted)
        {
            Span<byte> iv = stackalloc byte[16];
            BuildIv(_rtcpSalt, ssrc, index, iv);
            _rtcpCipher.Apply(iv, body[8..]);
        }
        plainLength = body.Length;
        return SrtpStatus.Ok;
    }

    private bool VerifyRtcpTag(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> authenticated)
    {
        Span<byte> mac = stackalloc byte[20];
        _rtcpMac.AppendData(authenticated);
        _rtcpMac.GetHashAndReset(mac);
        return CryptographicOperations.FixedTimeEquals(mac[..SrtpSuites.SrtcpTagLength], packet[^SrtpSuites.SrtcpTagLength..]);
    }

    /// <summary>RFC 3711 Appendix A: the ROC guess v for a received sequence number.</summary>
    private uint EstimateRoc(ushort seq)
    {
        if (_rxHighestSeq < 0x8000)
        {
            return seq - _rxHighestSeq > 0x8000 && _rxRoc > 0 ? _rxRoc - 1 : _rxRoc;
        }
        return _rxHighestSeq - 0x8000 > seq ? _rxRoc + 1 : _rxRoc;
    }

    /// <summary>HMAC over the authenticated portion then the ROC (RFC 3711 §4.2). The ROC is written into
    /// the 4 bytes after the portion (where the tag goes), so the MAC takes one native call, not two.</summary>
    private void ComputeRtpMac(Span<byte> packet, int authenticatedLength, uint roc, Span<byte> mac)
    {
        var withRoc = packet[..(authenticatedLength + 4)];
        BinaryPrimitives.WriteUInt32BigEndian(withRoc[authenticatedLength..], roc);
        _rtpMac.AppendData(withRoc);
        _rtpMac.GetHashAndReset(mac);
    }

    /// <summary>IV = (k_s·2^16) XOR (SSRC·2^64) XOR (i·2^16), RFC 3711 §4.1.1.</summary>
    internal static void BuildIv(ReadOnlySpan<byte> salt, uint ssrc, ulong index, Span<byte> iv)
    {
        iv.Clear();
        salt.CopyTo(iv);
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(word, ssrc);
        for (var i = 0; i < 4; i++)
        {
            iv[4 + i] ^= word[i];
        }
        BinaryPrimitives.WriteUInt64BigEndian(word, index << 16);
        for (var i = 0; i < 8; i++)
        {
            iv[8 + i] ^= word[i];
        }
    }

    public void Dispose()
    {
        _rtpCipher.Dispose();
        _rtcpCipher.Dispose();
        _rtpMac.Dispose();
        _rtcpMac.Dispose();
    }
}
