namespace Sparkle.Media.Jitter;

/// <summary>An adaptive jitter buffer for one audio stream. The receive thread pushes packets in any
/// order; the mixer pulls them in sequence order at its own clock. Playout starts (and restarts after a
/// silence) once the buffer holds the target delay, which follows the measured interarrival jitter:
/// one packet plus 2.5× the jitter in whole packets (20 to 200 ms for 20 ms packets). Late and duplicate packets are dropped; a gap at
/// playout time is reported as Lost so the decoder conceals it; a buffer grown well past the target is
/// trimmed. Slots are preallocated: pushing and popping allocate nothing.</summary>
public sealed class JitterBuffer
{
    private const int MaxPayload = 1500;
    private const int MinDelayMs = 20;
    private const int MaxDelayMs = 200;
    private const int MissesBeforeRebuffer = 5;
    /// <summary>Pops in a row with more than the target buffered before one packet is dropped.</summary>
    private const int ExcessPopsBeforeShrink = 50;

    // A monitor, not Lock: waiting on it allocates nothing (media-workers/ARCHITECTURE.md, "Locks").
    private readonly object _lock = new();
    private readonly Slot[] _slots;
    private readonly int _clockRate;
    private int _count;
    private bool _playing;
    private ushort _nextSeq;
    private int _misses;
    private int _excessPops;
    private uint _packetTicks;

    // Jitter estimate (RFC 3550 A.8 style, in RTP units) for the adaptive target.
    private bool _haveTransit;
    private long _lastTransit;
    private double _jitter;

    private long _pushed;
    private long _played;
    private long _lost;
    private long _late;
    private long _duplicates;
    private long _overflows;

    public JitterBuffer(int clockRate, int capacity = 32)
    {
        _clockRate = clockRate;
        _packetTicks = (uint)(clockRate / 50);
        _slots = new Slot[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _slots[i] = new Slot();
        }
    }

    public int Capacity => _slots.Length;

    /// <summary>The current target playout delay.</summary>
    public int TargetDelayMs => (int)(TargetPackets * PacketMs);

    /// <summary>Packets to hold before playing: one, plus enough to cover 2.5× the jitter.</summary>
    private int TargetPackets
    {
        get
        {
            var jitterMs = _jitter * 1000 / _clockRate;
            var packets = 1 + (int)(2.5 * jitterMs / PacketMs);
            return Math.Clamp(packets, (int)Math.Ceiling(MinDelayMs / PacketMs), Math.Max(1, (int)(MaxDelayMs / PacketMs)));
        }
    }

    private double PacketMs => _packetTicks * 1000.0 / _clockRate;

    /// <summary>Packets waiting to be played.</summary>
    public int Buffered => Volatile.Read(ref _count);

    public JitterStatistics Statistics => new(_pushed, _played, _lost, _late, _duplicates, _overflows, TargetDelayMs, _jitter * 1000 / _clockRate);

    /// <summary>Adds a packet; returns false when it was dropped (late, duplicate, too large).
    /// <paramref name="quiet"/>: the sender said the packet holds no speech (RFC 6464 level).</summary>
    public bool Push(ushort seq, uint timestamp, ReadOnlySpan<byte> payload, long arrivalTicks, bool quiet = false)
    {
        if (payload.Length > MaxPayload)
        {
            return false;
        }
        lock (_lock)
        {
            _pushed++;
            UpdateJitter(timestamp, arrivalTicks);
            if (_playing)
            {
                var ahead = (short)(seq - _nextSeq);
                if (ahead < 0)
                {
                    _late++;
                    return false;
                }
                if (ahead >= _slots.Length)
                {
                    // A jump the buffer cannot span (sender restart, long gap): start over from here.
                    _overflows++;
                    Clear();
                }
            }
            var slot = _slots[seq % _slots.Length];
            if (slot.Used)
            {
                if (slot.Seq == seq)
                {
                    _duplicates++;
                    return false;
                }
                if (!_playing && (short)(seq - slot.Seq) < 0)
                {
                    _late++;
                    return false; // older than what already sits here before playout started
                }
                _overflows++;
                _count--;
            }
            slot.Used = true;
            slot.Seq = seq;
            slot.Timestamp = timestamp;
            slot.Length = payload.Length;
            slot.Quiet = quiet;
            payload.CopyTo(slot.Data);
            _count++;
            return true;
        }
    }

    /// <summary>Takes the next packet at playout time. On Packet, the payload is copied to
    /// <paramref name="payload"/>.</summary>
    public JitterResult Pop(Span<byte> payload, out int length, out uint timestamp) => Pop(payload, out length, out timestamp, out _);

    /// <summary>As <see cref="Pop(Span{byte}, out int, out uint)"/>, also telling whether the sender marked
    /// the packet quiet.</summary>
    public JitterResult Pop(Span<byte> payload, out int length, out uint timestamp, out bool quiet)
    {
        length = 0;
        timestamp = 0;
        quiet = false;
        lock (_lock)
        {
            if (!_playing)
            {
                if (_count == 0 || _count < TargetPackets)
                {
                    return JitterResult.Empty;
                }
                _nextSeq = OldestSeq();
                _playing = true;
                _misses = 0;
            }
            else
            {
                TrimIfTooDeep();
            }
            var slot = _slots[_nextSeq % _slots.Length];
            if (slot.Used && slot.Seq == _nextSeq)
            {
                slot.Used = false;
                _count--;
                slot.Data.AsSpan(0, slot.Length).CopyTo(payload);
                length = slot.Length;
                timestamp = slot.Timestamp;
                quiet = slot.Quiet;
                LearnPacketTicks(slot);
                _nextSeq++;
                _misses = 0;
                _played++;
                return JitterResult.Packet;
            }
            _nextSeq++;
            if (_count == 0 && ++_misses >= MissesBeforeRebuffer)
            {
                // The talker stopped (or DTX): stop concealing and rebuffer on the next packet.
                _playing = false;
                return JitterResult.Empty;
            }
            _lost++;
            return JitterResult.Lost;
        }
    }

    /// <summary>Copies the packet that will play next without removing it (for Opus FEC after a loss).</summary>
    public bool TryPeekNext(Span<byte> payload, out int length)
    {
        length = 0;
        lock (_lock)
        {
            var slot = _slots[_nextSeq % _slots.Length];
            if (!_playing || !slot.Used || slot.Seq != _nextSeq || payload.Length < slot.Length)
            {
                return false;
            }
            slot.Data.AsSpan(0, slot.Length).CopyTo(payload);
            length = slot.Length;
            return true;
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            Clear();
            _haveTransit = false;
            _jitter = 0;
        }
    }

    private void Clear()
    {
        foreach (var slot in _slots)
        {
            slot.Used = false;
        }
        _count = 0;
        _playing = false;
    }

    private ushort OldestSeq()
    {
        var found = false;
        ushort oldest = 0;
        foreach (var slot in _slots)
        {
            if (slot.Used && (!found || (short)(slot.Seq - oldest) < 0))
            {
                oldest = slot.Seq;
                found = true;
            }
        }
        return oldest;
    }

    private void TrimIfTooDeep()
    {
        // Drop the oldest packet at once when we hold three packets more than the target (a burst), or
        // after a second of holding more than the target (the jitter went down, or clock drift): the
        // delay follows the target down as well as up.
        var target = TargetPackets;
        _excessPops = _count > target ? _excessPops + 1 : 0;
        if (_count > target + 3 || _excessPops >= ExcessPopsBeforeShrink)
        {
            _excessPops = 0;
            var slot = _slots[_nextSeq % _slots.Length];
            if (slot.Used && slot.Seq == _nextSeq)
            {
                slot.Used = false;
                _count--;
                _overflows++;
            }
            _nextSeq++;
        }
    }

    private void LearnPacketTicks(Slot slot)
    {
        var next = _slots[(ushort)(slot.Seq + 1) % _slots.Length];
        if (next.Used && next.Seq == (ushort)(slot.Seq + 1))
        {
            var delta = next.Timestamp - slot.Timestamp;
            if (delta > 0 && delta <= (uint)(_clockRate / 8))
            {
                _packetTicks = delta;
            }
        }
    }

    private void UpdateJitter(uint timestamp, long arrivalTicks)
    {
        var arrival = (long)(arrivalTicks * (double)_clockRate / TimeSpan.TicksPerSecond);
        var transit = arrival - timestamp;
        if (_haveTransit)
        {
            var d = Math.Abs((int)(uint)(transit - _lastTransit));
            // Ignore jumps above a second: a new talk spurt or timestamp discontinuity, not jitter.
            if (d < _clockRate)
            {
                _jitter += (d - _jitter) / 16.0;
            }
        }
        _lastTransit = transit;
        _haveTransit = true;
    }

    private sealed class Slot
    {
        public readonly byte[] Data = new byte[MaxPayload];
        public bool Used;
        public ushort Seq;
        public uint Timestamp;
        public int Length;
        public bool Quiet;
    }
}
