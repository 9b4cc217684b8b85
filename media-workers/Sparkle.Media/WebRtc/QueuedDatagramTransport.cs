using Org.BouncyCastle.Tls;

namespace Sparkle.Media.WebRtc;

/// <summary>BouncyCastle's view of one leg's DTLS datagrams: what the socket thread hands to
/// DtlsSrtpServer.OnDatagram waits in a bounded queue for BouncyCastle's blocking Receive; what
/// BouncyCastle sends goes to the leg's send callback as a copy (BouncyCastle reuses its buffers).</summary>
internal sealed class QueuedDatagramTransport(Action<ReadOnlyMemory<byte>> send) : DatagramTransport
{
    /// <summary>Largest datagram accepted: an Ethernet MTU (browsers keep DTLS well under it).</summary>
    public const int ReceiveLimit = 1500;

    /// <summary>BouncyCastle fragments handshake flights to this, so they fit any path MTU with room
    /// for IP/UDP headers (and TURN's, when the browser relays).</summary>
    public const int SendLimit = 1200;

    /// <summary>Datagrams waiting at most; a full queue drops (a handshake needs a few).</summary>
    public const int Capacity = 64;

    private readonly object _gate = new();
    private readonly Queue<byte[]> _queue = new();
    private bool _aborted;
    private bool _closed;
    private long _dropped;

    public long Dropped => Interlocked.Read(ref _dropped);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>BouncyCastle closed it (close_notify or a fatal alert).</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    public bool IsAborted
    {
        get
        {
            lock (_gate)
            {
                return _aborted;
            }
        }
    }

    public bool Enqueue(ReadOnlySpan<byte> packet)
    {
        if (packet.Length > ReceiveLimit || !IsWholeRecords(packet))
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }
        var copy = packet.ToArray();
        lock (_gate)
        {
            if (_aborted || _closed || _queue.Count >= Capacity)
            {
                Interlocked.Increment(ref _dropped);
                return false;
            }
            _queue.Enqueue(copy);
            Monitor.PulseAll(_gate);
        }
        return true;
    }

    /// <summary>True when the datagram is one or more whole DTLS 1.x records (RFC 6347 §4.1) of the five
    /// content types DTLS 1.2 without connection ids has. A cheap check, so that junk from the wire
    /// takes neither a queue slot nor BouncyCastle's time.</summary>
    internal static bool IsWholeRecords(ReadOnlySpan<byte> datagram)
    {
        const int headerLength = 13;
        if (datagram.IsEmpty)
        {
            return false;
        }
        while (!datagram.IsEmpty)
        {
            if (datagram.Length < headerLength || datagram[0] < 20 || datagram[0] > 24 || datagram[1] != 0xFE)
            {
                return false;
            }
            var recordLength = headerLength + ((datagram[11] << 8) | datagram[12]);
            if (recordLength > datagram.Length)
            {
                return false;
            }
            datagram = datagram[recordLength..];
        }
        return true;
    }

    /// <summary>Wakes and fails a blocked Receive: how a timeout or Dispose ends BouncyCastle's Accept.</summary>
    public void Abort()
    {
        lock (_gate)
        {
            _aborted = true;
            _queue.Clear();
            Monitor.PulseAll(_gate);
        }
    }

    public int GetReceiveLimit() => ReceiveLimit;

    public int GetSendLimit() => SendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    /// <summary>One datagram, waiting at most waitMillis; BouncyCastle means "no limit" by 0. -1 on timeout.</summary>
    public int Receive(Span<byte> buffer, int waitMillis)
    {
        lock (_gate)
        {
            var deadline = waitMillis > 0 ? Environment.TickCount64 + waitMillis : long.MaxValue;
            while (true)
            {
                if (_aborted || _closed)
                {
                    // An exception other than a timeout is what makes BouncyCastle give up.
                    throw new IOException(_aborted ? "DTLS transport aborted." : "DTLS transport closed.");
                }
                if (_queue.Count > 0)
                {
                    var datagram = _queue.Dequeue();
                    var length = Math.Min(datagram.Length, buffer.Length);
                    datagram.AsSpan(0, length).CopyTo(buffer);
                    return length;
                }
                var remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                {
                    return -1;
                }
                Monitor.Wait(_gate, (int)Math.Min(remaining, int.MaxValue));
            }
        }
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer) => send(buffer.ToArray());

    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }
    }
}
