namespace Sparkle.Media.Recording;

/// <summary>What the media threads hand the recorder thread.</summary>
internal enum RecordingItemKind : byte
{
    /// <summary>The end of one mixer tick, with the full mix (48 kHz mono PCM) when it is recorded.</summary>
    MixTick,
    /// <summary>One leg's own decoded 20 ms frame, at its codec rate.</summary>
    LegPcm,
    /// <summary>One encoded access unit of the composite.</summary>
    Video,
}

/// <summary>One entry's header; the bytes live in the queue's ring.</summary>
internal struct RecordingItem
{
    public RecordingItemKind Kind;
    public bool Flag; // video: key frame
    public int SampleRate;
    public long Timestamp;
    public long Stamp;
    public string? Participant;
    public int Offset;
    public int Length;
}

/// <summary>A byte ring plus a ring of headers, filled by the mixer and video threads and emptied by the
/// recorder thread. Writers copy under a monitor and never allocate; when the ring is short of room the
/// recorder thread (not the writer) grows it, up to a bound. Beyond the bound an entry is refused and
/// counted, and the recorder logs the count: nothing is dropped silently.</summary>
internal sealed class RecordingQueue(int initialBytes, int maxBytes, int initialEntries = 8192, int maxEntries = 65536)
{
    // A monitor, not Lock: waiting on it allocates nothing (media-workers/ARCHITECTURE.md, "Locks").
    private readonly object _lock = new();
    private byte[] _buffer = new byte[initialBytes];
    private RecordingItem[] _items = new RecordingItem[initialEntries];
    private int _head;   // oldest byte in use
    private int _tail;   // next byte to write
    private int _first;  // oldest entry
    private int _count;
    private long _usedBytes;

    public long Refused { get; private set; }
    public int Capacity => _buffer.Length;
    public int EntryCapacity => _items.Length;

    /// <summary>Media threads: copies one entry in; false (counted) when full at the bound.</summary>
    public bool TryWrite(RecordingItemKind kind, ReadOnlySpan<byte> data, long timestamp, string? participant = null, int sampleRate = 0, bool flag = false, long stamp = 0)
    {
        lock (_lock)
        {
            if (_count == _items.Length || !TryPlace(data.Length, out var offset))
            {
                Refused++;
                return false;
            }
            data.CopyTo(_buffer.AsSpan(offset));
            ref var item = ref _items[(_first + _count) % _items.Length];
            item.Kind = kind;
            item.Flag = flag;
            item.SampleRate = sampleRate;
            item.Timestamp = timestamp;
            item.Stamp = stamp;
            item.Participant = participant;
            item.Offset = offset;
            item.Length = data.Length;
            _count++;
            _usedBytes += data.Length;
            return true;
        }
    }

    // Entries sit contiguously in the ring; one that does not fit before the end starts again at 0.
    private bool TryPlace(int length, out int offset)
    {
        offset = 0;
        if (_count == 0)
        {
            _head = _tail = 0;
        }
        if (_tail > _head || (_tail == _head && _usedBytes == 0))
        {
            if (_buffer.Length - _tail >= length)
            {
                offset = _tail;
            }
            else if (_head > length)
            {
                offset = 0;
            }
            else
            {
                return false;
            }
        }
        else if (_head - _tail >= length)
        {
            offset = _tail;
        }
        else
        {
            return false;
        }
        _tail = offset + length;
        return true;
    }

    /// <summary>Recorder thread: the oldest entry, its bytes copied into <paramref name="destination"/>
    /// (grown if needed).</summary>
    public bool TryRead(ref byte[] destination, out RecordingItem item)
    {
        lock (_lock)
        {
            if (_count == 0)
            {
                item = default;
                return false;
            }
            ref var slot = ref _items[_first];
            item = slot;
            slot.Participant = null;
            if (destination.Length < item.Length)
            {
                destination = new byte[Math.Max(item.Length, destination.Length * 2)];
            }
            _buffer.AsSpan(item.Offset, item.Length).CopyTo(destination);
            _head = item.Offset + item.Length;
            _first = (_first + 1) % _items.Length;
            _count--;
            _usedBytes -= item.Length;
            return true;
        }
    }

    /// <summary>Recorder thread: when more than half the ring (bytes or entries) is in use, doubles it (up to
    /// the bound), so the writers keep finding room while the recorder catches up. True when it grew.</summary>
    public bool GrowIfNeeded()
    {
        int bytes, entries;
        lock (_lock)
        {
            var needBytes = _usedBytes * 2 > _buffer.Length && _buffer.Length < maxBytes;
            var needEntries = _count * 2 > _items.Length && _items.Length < maxEntries;
            if (!needBytes && !needEntries)
            {
                return false;
            }
            bytes = needBytes ? (int)Math.Min((long)_buffer.Length * 2, maxBytes) : _buffer.Length;
            entries = needEntries ? Math.Min(_items.Length * 2, maxEntries) : _items.Length;
        }
        // Allocated outside the lock; the writers only wait for the copy.
        var buffer = GC.AllocateUninitializedArray<byte>(bytes);
        var items = new RecordingItem[entries];
        lock (_lock)
        {
            var offset = 0;
            for (var i = 0; i < _count; i++)
            {
                var item = _items[(_first + i) % _items.Length];
                _buffer.AsSpan(item.Offset, item.Length).CopyTo(buffer.AsSpan(offset));
                item.Offset = offset;
                items[i] = item;
                offset += item.Length;
            }
            _buffer = buffer;
            _items = items;
            _first = 0;
            _head = 0;
            _tail = offset;
            return true;
        }
    }
}
