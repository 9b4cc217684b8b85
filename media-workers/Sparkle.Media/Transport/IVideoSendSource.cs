namespace Sparkle.Media.Transport;

/// <summary>The shared encoded stream a video leg sends (one per output, codec and packetization mode):
/// receivers' key frame requests go to it, and retransmissions come from its packet history. Packets are
/// numbered by a shared index; each receiver maps it to its own sequence numbers.</summary>
public interface IVideoSendSource
{
    /// <summary>A receiver sent PLI or FIR (receive thread; must not block).</summary>
    void RequestKeyFrame();

    /// <summary>Copies the payload of a recently sent packet whose index ends in <paramref name="index16"/>;
    /// false when it is no longer (or never was) in the history.</summary>
    bool TryGetPacket(ushort index16, Span<byte> destination, out int length, out bool marker, out uint timestamp);
}
