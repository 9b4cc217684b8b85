using Sparkle.Video.Layouts;

namespace Sparkle.Video.Compositing;

/// <summary>The chair's controls: mode, layout, placements. All apply from the next rendered frame.</summary>
public sealed partial class VideoMixer
{
    /// <summary>
    /// Switches mode from the next frame. Going to fixed mode pins everyone where they are now,
    /// so the picture does not jump; the chair then moves people with <see cref="Place"/>.
    /// </summary>
    public void SetMode(LayoutMode mode)
    {
        lock (_gate)
        {
            if (mode == LayoutMode.Fixed && Mode == LayoutMode.Automatic)
            {
                var layout = ResolveLayout();
                var current = new string?[layout.Capacity];
                Assign(layout, current);
                for (var slot = 0; slot < current.Length; slot++)
                {
                    if (current[slot] is { } id)
                    {
                        _placements[slot] = id;
                    }
                }
            }

            Mode = mode;
        }
    }

    /// <summary>Removes every placement (automatic mode then moves everyone freely).</summary>
    public void ClearPlacements()
    {
        lock (_gate)
        {
            _placements.Clear();
        }
    }

    /// <summary>The chair picks one layout whatever the participant count.</summary>
    public void SetLayout(VideoLayout layout)
    {
        lock (_gate)
        {
            _chosenLayout = layout;
        }
    }

    /// <summary>Automatic layout: the group picks by participant count.</summary>
    public void SetLayoutGroup(LayoutGroup group)
    {
        lock (_gate)
        {
            _chosenLayout = null;
            _group = group;
        }
    }

    /// <summary>Pins a participant to a slot (null clears the slot's placement).</summary>
    public void Place(int slot, string? id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        lock (_gate)
        {
            if (id is null)
            {
                _placements.Remove(slot);
                return;
            }

            foreach (var previous in _placements.Where(p => p.Value == id).Select(p => p.Key).ToList())
            {
                _placements.Remove(previous);
            }

            _placements[slot] = id;
        }
    }

    /// <summary>
    /// Applies the meeting's video control in one call (the worker's VideoLayoutControl):
    /// <paramref name="layoutOrGroupId"/> is "auto", a group id or a layout id; placements are
    /// participant ids by slot (null = free). Returns false, changing nothing, for an unknown id.
    /// </summary>
    public bool Apply(string layoutOrGroupId, bool automatic, IReadOnlyList<string?> placements)
    {
        LayoutGroup? group = null;
        VideoLayout? layout = null;
        if (layoutOrGroupId == "auto")
        {
            group = LayoutGroups.Default;
        }
        else if (!LayoutGroups.TryGet(layoutOrGroupId, out group!) && !LayoutCatalogue.TryGet(layoutOrGroupId, out layout!))
        {
            return false;
        }

        lock (_gate)
        {
            if (layout is not null)
            {
                SetLayout(layout);
            }
            else
            {
                SetLayoutGroup(group!);
            }

            if (placements.Any(p => p is not null))
            {
                _placements.Clear();
                for (var slot = 0; slot < placements.Count; slot++)
                {
                    if (placements[slot] is { } id)
                    {
                        Place(slot, id);
                    }
                }
            }
            else if (automatic)
            {
                _placements.Clear();
            }

            // With no placements given, going to fixed mode freezes the current picture.
            SetMode(automatic ? LayoutMode.Automatic : LayoutMode.Fixed);
        }

        return true;
    }
}
