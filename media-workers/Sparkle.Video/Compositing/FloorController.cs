namespace Sparkle.Video.Compositing;

/// <summary>
/// Orders participants by how recently they held the floor. A new speaker only takes the floor
/// once the current holder has kept it for the hold time, so short interjections and voice
/// detector noise do not make the layout flap.
/// </summary>
public sealed class FloorController(TimeSpan holdTime)
{
    private readonly List<string> _order = [];
    private string? _pending;
    private TimeSpan _lastChange;

    public TimeSpan HoldTime { get; } = holdTime;

    /// <summary>Floor holders, current first.</summary>
    public IReadOnlyList<string> Order => _order;

    public string? FloorHolder => _order.Count > 0 ? _order[0] : null;

    /// <summary>The participant the audio mixer reported last, whether or not they hold the floor yet.</summary>
    public string? ActiveSpeaker { get; private set; }

    public void ReportSpeaker(string participantId, TimeSpan now)
    {
        ActiveSpeaker = participantId;
        if (FloorHolder == participantId)
        {
            _pending = null;
            return;
        }

        if (_order.Count == 0 || now - _lastChange >= HoldTime)
        {
            Promote(participantId, now);
        }
        else
        {
            _pending = participantId;
        }
    }

    /// <summary>Applies a waiting speaker change once the hold time has passed.</summary>
    public bool Update(TimeSpan now)
    {
        if (_pending is null || now - _lastChange < HoldTime)
        {
            return false;
        }

        Promote(_pending, now);
        return true;
    }

    public void Remove(string participantId)
    {
        _order.Remove(participantId);
        if (_pending == participantId)
        {
            _pending = null;
        }

        if (ActiveSpeaker == participantId)
        {
            ActiveSpeaker = null;
        }
    }

    private void Promote(string participantId, TimeSpan now)
    {
        _order.Remove(participantId);
        _order.Insert(0, participantId);
        _pending = null;
        _lastChange = now;
    }
}
