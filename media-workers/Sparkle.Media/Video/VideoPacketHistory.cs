namespace Sparkle.Media.Video;

/// <summary>The last packets of a shared stream, by packet index, for retransmission when a receiver
/// NACKs (RFC 4585 §6.2.1). One history serves every receiver of the stream: each maps its own sequence
/// numbers to the index. Written by the video thread, read by RTCP receive threads; slots are
/// preallocated.</summary>
internal sealed class VideoPacketHistory
{
    // A monitor, not Lock: waiting on it allocates nothing (media-workers/ARCHITECTURE.md, "Locks").
    private readonly object _lock = new();
    private readonly Slot[] _slots;
    private readonly int _mask;

    /// <param name="capacity">A power of two; 512 packets is about 3 s of a 1.5 Mbit/s stream.</param>
    public VideoPacketHistory(int maxPayloadSize, int capacity = 512)
    {
        _slots = new Slot[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _slots[i] = new Slot(maxPayloadSize);
        }
        _mask = capacity - 1;
    }

    public void Store(uint index, uint timestamp, bool marker, ReadOnlySpan<byte> payload)
    {
        lock (_lock)
        {
            var slot = _slots[index & _mask];
            if (payload.Length > slot.Data.Length)
            {
                slot.Used = false;
                return;
            }
            payload.CopyTo(slot.Data);
            slot.Length = payload.Length;
            slot.Index = index;
            slot.Timestamp = timestamp;
            slot.Marker = marker;
            slot.Used = true;
        }
    }

    /// <summary>The packet whose index ends in <paramref name="index16"/>, if it is still held.</summary>
    public bool TryGet(ushort index16, Span<byte> destination, out int length, out bool marker, out uint timestamp)
    {
        lock (_lock)
        {
            var slot = _slots[index16 & _mask];
            if (!slot.Used || (ushort)slot.Index != index16 || slot.Length > destination.Length)
            {
                length = 0;
                marker = false;
                timestamp = 0;
                return false;
            }
            slot.Data.AsSpan(0, slot.Length).CopyTo(destination);
            length = slot.Length;
            marker = slot.Marker;
            timestamp = slot.Timestamp;
            return true;
        }
    }

    private sealed class Slot(int size)
    {
        public readonly byte[] Data = new byte[size];
        public bool Used;
        public uint Index;
        public uint Timestamp;
        public bool Marker;
        public int Length;
    }
}
