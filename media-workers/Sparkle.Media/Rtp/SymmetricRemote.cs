using System.Net;

namespace Sparkle.Media.Rtp;

/// <summary>Where to send a leg's media. Starts at the address the SDP announced; symmetric RTP
/// (RFC 4961) then switches to the source of authenticated packets, which is what NATed phones need.
/// Only packets that passed validation (and SRTP authentication) may call <see cref="Learn"/>.</summary>
public sealed class SymmetricRemote
{
    private IPEndPoint? _current;

    public SymmetricRemote(IPEndPoint? signalled) => _current = signalled;

    public IPEndPoint? Current => Volatile.Read(ref _current);

    /// <summary>True when we have learnt the address from media rather than from SDP.</summary>
    public bool Learned { get; private set; }

    /// <summary>Records the source of a valid packet; returns true when the destination changed.</summary>
    public bool Learn(IPEndPoint source)
    {
        var current = _current;
        if (current is not null && current.Equals(source))
        {
            Learned = true;
            return false;
        }
        // A fresh object, because the receive loop reuses its endpoint instance.
        Volatile.Write(ref _current, new IPEndPoint(source.Address, source.Port));
        Learned = true;
        return true;
    }

    /// <summary>Re-INVITE with a new address: follow the SDP until media says otherwise.</summary>
    public void Reset(IPEndPoint? signalled)
    {
        Volatile.Write(ref _current, signalled);
        Learned = false;
    }
}
