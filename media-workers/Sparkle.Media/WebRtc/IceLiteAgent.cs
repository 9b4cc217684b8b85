using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Sparkle.Media.WebRtc;

public enum StunOutcome
{
    Dropped,
    Answered,
    Nominated,
}

/// <summary>What one leg's ICE-lite agent did with the STUN it was given. Incremented with Interlocked;
/// read them with Interlocked.Read or Volatile.Read.</summary>
public sealed class IceLiteCounters
{
    /// <summary>Valid checks answered (nominating ones included).</summary>
    public long Answered;
    public long BadIntegrity;
    /// <summary>USERNAME missing or not "ourUfrag:theirUfrag".</summary>
    public long UnknownUser;
    /// <summary>Not a well-formed binding request with a correct FINGERPRINT and MESSAGE-INTEGRITY
    /// (truncated, garbage, responses, indications, other methods, unknown comprehension-required attributes).</summary>
    public long Malformed;
    public long Nominations;
    /// <summary>Valid checks not answered because the caller's response buffer was too small.</summary>
    public long ResponseBufferTooSmall;
}

/// <summary>ICE-lite agent of one leg (we are always lite and controlled; the browser is the full,
/// controlling agent, RFC 8445 §2.5). It only answers checks: it never sends one.</summary>
public sealed class IceLiteAgent
{
    /// <summary>The ice-char set of RFC 8839 §5.4: ALPHA / DIGIT / "+" / "/".</summary>
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>Largest response Handle writes: header, XOR-MAPPED-ADDRESS (IPv6), MESSAGE-INTEGRITY, FINGERPRINT.</summary>
    public const int MaxResponseLength = Stun.HeaderLength + 24 + 24 + 8;

    private readonly byte[] _expectedUsername;
    private readonly byte[] _key;
    private SocketAddress? _selected;
    private long _lastValidCheckTimestamp;

    public IceLiteAgent(string localUfrag, string localPassword, string remoteUfrag)
    {
        ArgumentNullException.ThrowIfNull(localUfrag);
        ArgumentNullException.ThrowIfNull(localPassword);
        ArgumentNullException.ThrowIfNull(remoteUfrag);
        if (localUfrag.Length == 0 || remoteUfrag.Length == 0 || localPassword.Length == 0)
        {
            throw new ArgumentException("ICE ufrags and password must not be empty.");
        }
        LocalUfrag = localUfrag;
        LocalPassword = localPassword;
        RemoteUfrag = remoteUfrag;
        // RFC 8445 §7.2.2: the check's USERNAME is "receiver's ufrag:sender's ufrag".
        _expectedUsername = Encoding.UTF8.GetBytes(localUfrag + ":" + remoteUfrag);
        // Short-term credentials: the key is the password (SASLprep leaves ice-chars unchanged).
        _key = Encoding.UTF8.GetBytes(localPassword);
    }

    /// <summary>8 random ice-chars (RFC 8839 asks for at least 4, with 24 bits of randomness).</summary>
    public static string NewUfrag() => RandomNumberGenerator.GetString(IceChars, 8);

    /// <summary>24 random ice-chars (RFC 8839 asks for at least 22, with 128 bits of randomness).</summary>
    public static string NewPassword() => RandomNumberGenerator.GetString(IceChars, 24);

    public string LocalUfrag { get; }
    public string LocalPassword { get; }
    public string RemoteUfrag { get; }
    public IceLiteCounters Counters { get; } = new();

    /// <summary>The address of the last valid check that carried USE-CANDIDATE (null until nominated).</summary>
    public SocketAddress? Selected => Volatile.Read(ref _selected);

    /// <summary>Stopwatch timestamp of the last valid binding request, for consent freshness; 0 if none.</summary>
    public long LastValidCheckTimestamp => Interlocked.Read(ref _lastValidCheckTimestamp);

    /// <summary>Answers one datagram RFC 7983 classifies as STUN. Only a binding request with our
    /// USERNAME, a MESSAGE-INTEGRITY under our password and a correct FINGERPRINT gets a success
    /// response (XOR-MAPPED-ADDRESS of `from`); everything else is counted and dropped. Never throws.
    /// Meant for one receive thread per leg; Selected and the timestamp may be read from any thread.</summary>
    public StunOutcome Handle(ReadOnlySpan<byte> packet, SocketAddress from, Span<byte> response, out int responseLength)
    {
        responseLength = 0;
        try
        {
            return HandleCore(packet, from, response, out responseLength);
        }
        catch (Exception)
        {
            // Nothing above is meant to throw; a bug must still not take the receive thread down.
            responseLength = 0;
            Interlocked.Increment(ref Counters.Malformed);
            return StunOutcome.Dropped;
        }
    }

    private StunOutcome HandleCore(ReadOnlySpan<byte> packet, SocketAddress? from, Span<byte> response, out int responseLength)
    {
        responseLength = 0;
        if (!StunMessageReader.TryParse(packet, out var message)
            || message.MessageType != Stun.BindingRequest
            || message.HasUnknownComprehensionRequired
            || !message.FingerprintMatches(packet))
        {
            Interlocked.Increment(ref Counters.Malformed);
            return StunOutcome.Dropped;
        }
        // RFC 5389 §10.1.2: a request without USERNAME or MESSAGE-INTEGRITY is a bad request.
        if (!message.HasUsername || message.IntegrityOffset < 0)
        {
            Interlocked.Increment(ref Counters.Malformed);
            return StunOutcome.Dropped;
        }
        if (!message.Username.SequenceEqual(_expectedUsername))
        {
            Interlocked.Increment(ref Counters.UnknownUser);
            return StunOutcome.Dropped;
        }
        if (!message.IntegrityMatches(packet, _key))
        {
            Interlocked.Increment(ref Counters.BadIntegrity);
            return StunOutcome.Dropped;
        }
        if (from is null || !TryReadAddress(from, out var family, out var port, out var address))
        {
            Interlocked.Increment(ref Counters.Malformed);
            return StunOutcome.Dropped;
        }
        var addressLength = family == AddressFamily.InterNetwork ? 4 : 16;
        var length = Stun.HeaderLength + StunMessageWriter.AttributeSize(4 + addressLength)
            + StunMessageWriter.AttributeSize(Stun.HmacSha1Length) + StunMessageWriter.AttributeSize(4);
        if (response.Length < length)
        {
            Interlocked.Increment(ref Counters.ResponseBufferTooSmall);
            return StunOutcome.Dropped;
        }

        var writer = new StunMessageWriter(response, Stun.BindingSuccess, message.TransactionId);
        writer.AddXorMappedAddress(family, port, address[..addressLength]);
        writer.AddMessageIntegrity(_key);
        writer.AddFingerprint();
        responseLength = writer.Length;

        Interlocked.Exchange(ref _lastValidCheckTimestamp, Stopwatch.GetTimestamp());
        Interlocked.Increment(ref Counters.Answered);
        if (!message.UseCandidate)
        {
            return StunOutcome.Answered;
        }
        Interlocked.Increment(ref Counters.Nominations);
        var selected = Volatile.Read(ref _selected);
        if (selected is null || !selected.Equals(from))
        {
            // A copy: the caller reuses its SocketAddress for the next datagram.
            var copy = new SocketAddress(from.Family, from.Size);
            from.Buffer.Span[..from.Size].CopyTo(copy.Buffer.Span);
            Volatile.Write(ref _selected, copy);
        }
        return StunOutcome.Nominated;
    }

    /// <summary>Family, port and address straight from the sockaddr bytes: port at offset 2 (network
    /// order), IPv4 address at 4, IPv6 address at 8. An IPv4-mapped IPv6 address (a dual-mode socket)
    /// is reported as the IPv4 address it is.</summary>
    internal static bool TryReadAddress(SocketAddress from, out AddressFamily family, out ushort port, out ReadOnlySpan<byte> address)
    {
        var bytes = from.Buffer.Span[..from.Size];
        family = from.Family;
        port = 0;
        address = default;
        switch (family)
        {
            case AddressFamily.InterNetwork when bytes.Length >= 8:
                port = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
                address = bytes.Slice(4, 4);
                return true;
            case AddressFamily.InterNetworkV6 when bytes.Length >= 24:
                port = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
                address = bytes.Slice(8, 16);
                if (address[..10].IndexOfAnyExcept((byte)0) < 0 && address[10] == 0xFF && address[11] == 0xFF)
                {
                    family = AddressFamily.InterNetwork;
                    address = address[12..];
                }
                return true;
            default:
                return false;
        }
    }
}

/// <summary>Builds an ICE connectivity check as a browser sends it (for tests and integration tests
/// acting as the controlling agent).</summary>
public static class StunBindingRequest
{
    /// <summary>Writes a binding request: USERNAME, PRIORITY, ICE-CONTROLLING (tieBreaker), USE-CANDIDATE
    /// if asked, MESSAGE-INTEGRITY under `password`, FINGERPRINT. Returns its length.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> transactionId, string username, string password,
        bool useCandidate, ulong tieBreaker)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
        var writer = new StunMessageWriter(destination, Stun.BindingRequest, transactionId);
        writer.Add(Stun.AttrUsername, Encoding.UTF8.GetBytes(username));
        writer.AddUInt32(Stun.AttrPriority, 0x6E7F1EFF); // a host candidate's priority, as Chrome computes it
        writer.AddUInt64(Stun.AttrIceControlling, tieBreaker);
        if (useCandidate)
        {
            writer.Add(Stun.AttrUseCandidate, ReadOnlySpan<byte>.Empty);
        }
        writer.AddMessageIntegrity(Encoding.UTF8.GetBytes(password));
        writer.AddFingerprint();
        return writer.Length;
    }
}
