using System.Diagnostics;

namespace Sparkle.Media.Jitter;

/// <summary>Puts one video sender's packets back in sequence order for the depacketizer. The receive
/// thread pushes; the meeting's video thread pops what is in order at each frame tick, and steps over a
/// gap once it has waited long enough for a retransmission (or a late packet). Push reports the sequence
/// numbers a new gap is missing, so the transport can NACK them at once. Unlike audio there is no
/// playout delay: a complete frame is decoded at the next tick. Slots are preallocated: pushing and
/// popping allocate nothing.</summary>
public sealed class VideoReorderBuffer
{
    public const int MaxPayload = 1500;

    // A monitor, not Lock: waiting on it allocates nothing (media-workers/ARCHITECTURE.md, "Locks").
    private readonly object _lock = new();
    private readonly Slot[] _slots;
    private readonly int _mask;
    private bool _started;
    private ushort _next;
    private ushort _highest;
    private int _count;
    private long _gapSince;

    private long _pushed;
    private long _popped;
    private long _lost;
    private long _late;
    private long _duplicates;
    private long _resets;

    /// <param name="capacity">A power of two; 256 packets hold a large key frame plus a retransmission wait.</param>
    public VideoReorderBuffer(int capacity = 256)
    {
        if (capacity < 16 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentException("The capacity must be a power of two, at least 16.", nameof(capacity));
        }
        _slots = new Slot[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _slots[i] = new Slot();
        }
        _mask = capacity - 1;
    }

    public int Capacity => _slots.Length;

    public int Buffered => Volatile.Read(ref _count);

    public VideoReorderStatistics Statistics
    {
        get
        {
            lock (_lock)
            {
                return new VideoReorderStatistics(_pushed, _popped, _lost, _late, _duplicates, _resets);
            }
        }
    }

    /// <summary>Adds a packet. When it opens a gap, the sequence numbers it skipped are written to
    /// <paramref name="missing"/> (as many as fit). Returns false for a late, duplicate or oversized one.</summary>
    public bool Push(ushort sequence, uint timestamp, bool marker, ReadOnlySpan<byte> payload, Span<ushort> missing, out int missingCount)
    {
        missingCount = 0;
        if (payload.Length > MaxPayload)
        {
            return false;
        }
        lock (_lock)
        {
            if (!_started)
            {
                _started = true;
                _next = sequence;
                _highest = sequence;
            }
            else
            {
                var ahead = (short)(sequence - _next);
                if (ahead < 0)
                {
                    _late++;
                    return false;
                }
                if (ahead >= _slots.Length)
                {
                    // A jump the buffer cannot span (sender restart, long outage): start over from here.
                    Clear();
                    _resets++;
                    _next = sequence;
                    _highest = sequence;
                }
                else if ((short)(sequence - _highest) > 0)
                {
                    for (var s = (ushort)(_highest + 1); s != sequence && missingCount < missing.Length; s++)
                    {
                        missing[missingCount++] = s;
                    }
                    _highest = sequence;
                }
            }
            var slot = _slots[sequence & _mask];
            if (slot.Used)
            {
                _duplicates++;
                return false;
            }
            slot.Used = true;
            slot.Sequence = sequence;
            slot.Timestamp = timestamp;
            slot.Marker = marker;
            slot.Length = payload.Length;
            payload.CopyTo(slot.Data);
            _count++;
            _pushed++;
            return true;
        }
    }

    /// <summary>Takes the next packet in sequence order, if it is here. A missing one is waited for
    /// <paramref name="maxWait"/> (from when a pop first found it missing), then counted lost and skipped;
    /// the depacketizer sees the gap in the sequence numbers.</summary>
    public bool TryPop(Span<byte> destination, TimeSpan maxWait, out int length, out ushort sequence, out uint timestamp, out bool marker)
    {
        length = 0;
        sequence = 0;
        timestamp = 0;
        marker = false;
        lock (_lock)
        {
            if (_count == 0)
            {
                return false;
            }
            var slot = _slots[_next & _mask];
            if (!slot.Used)
            {
                var now = Stopwatch.GetTimestamp();
                if (_gapSince == 0)
                {
                    _gapSince = now;
                }
                if (Stopwatch.GetElapsedTime(_gapSince, now) < maxWait)
                {
                    return false;
                }
                // Give up on the gap: on to the next packet we hold (there is one, within the capacity).
                do
                {
                    _next++;
                    _lost++;
                    slot = _slots[_next & _mask];
                }
                while (!slot.Used);
            }
            _gapSince = 0;
            if (slot.Length > destination.Length)
            {
                slot.Used = false;
                _count--;
                _next++;
                _lost++;
                return false;
            }
            slot.Data.AsSpan(0, slot.Length).CopyTo(destination);
            length = slot.Length;
            sequence = slot.Sequence;
            timestamp = slot.Timestamp;
            marker = slot.Marker;
            slot.Used = false;
            _count--;
            _next++;
            _popped++;
            return true;
        }
    }

    /// <summary>Forgets everything (a new sender, a renegotiation).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            Clear();
            _started = false;
        }
    }

    private void Clear()
    {
        foreach (var slot in _slots)
        {
            slot.Used = false;
        }
        _count = 0;
        _gapSince = 0;
    }

    private sealed class Slot
    {
        public readonly byte[] Data = new byte[MaxPayload];
        public bool Used;
        public ushort Sequence;
        public uint Timestamp;
        public bool Marker;
        public int Length;
    }
}

public readonly record struct VideoReorderStatistics(long Pushed, long Popped, long Lost, long Late, long Duplicates, long Resets);
