namespace Sparkle.Media.Srtp;

/// <summary>A sliding replay window over packet indices (RFC 3711 §3.3.2), 128 packets wide.
/// Check before authenticating, record only after the tag verified.</summary>
public sealed class SrtpReplayWindow
{
    private const int Width = 128;
    private ulong _highest;
    private UInt128 _mask;
    private bool _started;

    public bool IsReplayOrTooOld(ulong index)
    {
        if (!_started || index > _highest)
        {
            return false;
        }
        var delta = _highest - index;
        if (delta >= Width)
        {
            return true;
        }
        return ((_mask >> (int)delta) & UInt128.One) != UInt128.Zero;
    }

    public void Accept(ulong index)
    {
        if (!_started)
        {
            _started = true;
            _highest = index;
            _mask = UInt128.One;
            return;
        }
        if (index > _highest)
        {
            var shift = index - _highest;
            _mask = shift >= Width ? UInt128.Zero : _mask << (int)shift;
            _mask |= UInt128.One;
            _highest = index;
        }
        else
        {
            var delta = _highest - index;
            if (delta < Width)
            {
                _mask |= UInt128.One << (int)delta;
            }
        }
    }

    public void Reset()
    {
        _started = false;
        _highest = 0;
        _mask = UInt128.Zero;
    }
}
