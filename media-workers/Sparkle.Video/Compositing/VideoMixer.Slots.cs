using Sparkle.Video.Layouts;

namespace Sparkle.Video.Compositing;

/// <summary>Who sits in which slot, and which outputs can be derived from others.</summary>
public sealed partial class VideoMixer
{
    // An output composed earlier this frame with the same layout, larger, and the same aspect ratio.
    private CompositeOutput? FindSource(CompositeOutput output, VideoLayout layout)
    {
        foreach (var candidate in _outputs)
        {
            if (ReferenceEquals(candidate, output))
            {
                return null;
            }

            if (ReferenceEquals(candidate.Compositor.Layout, layout) && candidate.DerivedFrom is null &&
                candidate.Width >= output.Width && candidate.Height >= output.Height &&
                (long)candidate.Width * output.Height == (long)output.Width * candidate.Height)
            {
                return candidate;
            }
        }

        return null;
    }

    private VideoLayout ResolveLayout() => _chosenLayout ?? _group.Pick(_joinOrder.Count);

    private TileContent TileFor(ParticipantVideo participant, long stamp)
    {
        participant.VisibleStamp = stamp;
        var highlight = participant.Id == _floor.ActiveSpeaker;
        return participant.ShowsVideo
            ? TileContent.Video(participant.Frame!, participant.DisplayName, highlight)
            : TileContent.Off(participant.DisplayName, highlight);
    }

    // Placements first, then (automatic mode) floor slots by floor order, then everything else by join order.
    private void Assign(VideoLayout layout, string?[] assigned)
    {
        Array.Clear(assigned);
        var stamp = ++_assignStamp;
        foreach (var (slot, id) in _placements)
        {
            if (slot < assigned.Length && _participants.TryGetValue(id, out var placed))
            {
                assigned[slot] = id;
                placed.AssignStamp = stamp;
            }
        }

        if (Mode == LayoutMode.Automatic)
        {
            var next = 0;
            var floorSlots = layout.FloorSlots;
            for (var f = 0; f < floorSlots.Count; f++) // indexed: foreach over the interface would box
            {
                var slot = floorSlots[f];
                if (assigned[slot] is not null)
                {
                    continue;
                }

                while (next < _floor.Order.Count && _participants[_floor.Order[next]].AssignStamp == stamp)
                {
                    next++;
                }

                if (next == _floor.Order.Count)
                {
                    break;
                }

                var speaker = _participants[_floor.Order[next]];
                assigned[slot] = speaker.Id;
                speaker.AssignStamp = stamp;
            }
        }

        var joined = 0;
        for (var slot = 0; slot < assigned.Length; slot++)
        {
            if (assigned[slot] is not null)
            {
                continue;
            }

            while (joined < _joinOrder.Count && _joinOrder[joined].AssignStamp == stamp)
            {
                joined++;
            }

            if (joined == _joinOrder.Count)
            {
                break;
            }

            assigned[slot] = _joinOrder[joined].Id;
            _joinOrder[joined].AssignStamp = stamp;
        }
    }
}
