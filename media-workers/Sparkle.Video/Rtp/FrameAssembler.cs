namespace Sparkle.Video.Rtp;

/// <summary>
/// Shared bookkeeping of the depacketizers: one reused frame buffer, sequence-gap detection, the
/// marker bit, and "freeze until the next key frame" after a loss.
/// </summary>
internal sealed class FrameAssembler
{
    /// <summary>Frames above this size are treated as garbage rather than grown into.</summary>
    public const int MaxFrameSize = 4 * 1024 * 1024;

    private byte[] _buffer = new byte[64 * 1024];
    private int _length;
    private bool _inFrame;
    private bool _corrupt;
    private ushort _nextSequence;
    private bool _haveSequence;
    private uint _timestamp;

    public ReadOnlySpan<byte> Frame => _buffer.AsSpan(0, _length);

    public bool InFrame => _inFrame;

    public bool IsKeyFrame { get; set; }

    public uint Timestamp { get; private set; }

    public bool KeyFrameNeeded { get; private set; } = true;

    /// <summary>
    /// Starts bookkeeping for a packet; returns a drop when an unfinished frame was cut short by
    /// a new timestamp (its marker was lost).
    /// </summary>
    public DepacketizeResult BeginPacket(ushort sequence, uint timestamp)
    {
        var result = DepacketizeResult.Pending;
        var gap = _haveSequence && sequence != _nextSequence;
        _haveSequence = true;
        _nextSequence = (ushort)(sequence + 1);
        if (_inFrame && timestamp != _timestamp)
        {
            Reset();
            KeyFrameNeeded = true;
            result = DepacketizeResult.FrameDropped;
        }
        else if (_inFrame && gap)
        {
            _corrupt = true;
        }

        if (!_inFrame)
        {
            _inFrame = true;
            // Packets lost just before this one may have been its beginning: do not trust it.
            _corrupt = gap;
            _timestamp = timestamp;
            _length = 0;
            IsKeyFrame = false;
        }

        return result;
    }

    public void MarkCorrupt() => _corrupt = true;

    /// <summary>
    /// Moves the unfinished frame to a new timestamp instead of dropping it: for senders that
    /// stamp parameter sets differently from the picture that follows them.
    /// </summary>
    public bool TryCarryOver(uint timestamp)
    {
        if (!_inFrame || _corrupt || timestamp == _timestamp)
        {
            return false;
        }

        _timestamp = timestamp;
        return true;
    }

    /// <summary>Timestamp of the frame being assembled.</summary>
    public uint CurrentTimestamp => _timestamp;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_corrupt)
        {
            return;
        }

        if (_length + data.Length > MaxFrameSize)
        {
            _corrupt = true;
            return;
        }

        if (_length + data.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Min(MaxFrameSize, Math.Max(_buffer.Length * 2, _length + data.Length)));
        }

        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
    }

    /// <summary>Ends the frame at the marker bit.</summary>
    public DepacketizeResult Complete()
    {
        var ok = !_corrupt && _length > 0 && (IsKeyFrame || !KeyFrameNeeded);
        _inFrame = false;
        Timestamp = _timestamp;
        if (!ok)
        {
            KeyFrameNeeded = true;
            _length = 0;
            return DepacketizeResult.FrameDropped;
        }

        if (IsKeyFrame)
        {
            KeyFrameNeeded = false;
        }

        return DepacketizeResult.FrameReady;
    }

    /// <summary>Combines a drop reported by <see cref="BeginPacket"/> with the outcome of this packet.</summary>
    public static DepacketizeResult Merge(DepacketizeResult earlier, DepacketizeResult now) =>
        now == DepacketizeResult.FrameReady ? now : earlier == DepacketizeResult.FrameDropped ? earlier : now;

    private void Reset()
    {
        _inFrame = false;
        _corrupt = false;
        _length = 0;
        IsKeyFrame = false;
    }
}
