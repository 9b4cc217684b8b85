namespace Sparkle.Sip.Auth;

/// <summary>Remembers which nonce counts (RFC 7616 §3.4 <c>nc</c>) each nonce has been used with, so that a
/// captured Authorization cannot be replayed: every (nonce, nc) is accepted once. Counts may arrive a little
/// out of order (a REGISTER refresh and an INVITE sent together over UDP), so a 64-wide window behind the
/// highest count is kept, as SRTP's replay window does.
///
/// The table is bounded. When it is full the entry used first is dropped and its nonce's issue time becomes
/// a floor: any nonce issued at or before the floor that is not in the table is refused as stale, so
/// dropping an entry can never let its nonce be replayed; the client is simply challenged again.</summary>
public sealed class NonceCounter(int capacity = 100_000)
{
    private const int WindowSize = 64;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Queue<(string Nonce, DateTimeOffset Issued)> _order = new();
    private readonly object _lock = new();
    private DateTimeOffset _floor = DateTimeOffset.MinValue;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Records a use of the nonce with this count; false when the count was used before, is too far
    /// behind the highest, or the nonce can no longer be tracked.</summary>
    /// <param name="expiredBefore">Nonces issued before this are expired anyway: their entries may go.</param>
    public bool TryUse(string nonce, DateTimeOffset issued, ulong nc, DateTimeOffset expiredBefore)
    {
        if (nc == 0)
        {
            return false;
        }
        lock (_lock)
        {
            if (_entries.TryGetValue(nonce, out var entry))
            {
                if (nc > entry.Highest)
                {
                    var shift = nc - entry.Highest;
                    entry.Seen = shift >= WindowSize ? 1UL : (entry.Seen << (int)shift) | 1UL;
                    entry.Highest = nc;
                    return true;
                }
                var behind = entry.Highest - nc;
                if (behind >= WindowSize || (entry.Seen & (1UL << (int)behind)) != 0)
                {
                    return false;
                }
                entry.Seen |= 1UL << (int)behind;
                return true;
            }
            if (issued <= _floor)
            {
                return false;
            }
            Trim(expiredBefore);
            _entries[nonce] = new Entry { Highest = nc, Seen = 1UL };
            _order.Enqueue((nonce, issued));
            return true;
        }
    }

    private void Trim(DateTimeOffset expiredBefore)
    {
        while (_order.TryPeek(out var oldest) && (oldest.Issued < expiredBefore || _entries.Count >= capacity))
        {
            _order.Dequeue();
            _entries.Remove(oldest.Nonce);
            if (oldest.Issued >= expiredBefore && oldest.Issued > _floor)
            {
                _floor = oldest.Issued;
            }
        }
    }

    private sealed class Entry
    {
        public ulong Highest;
        public ulong Seen;
    }
}
