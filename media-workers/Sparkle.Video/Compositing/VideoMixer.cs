using System.Collections.Concurrent;
using Sparkle.Video.Layouts;

namespace Sparkle.Video.Compositing;

/// <summary>
/// The video side of one meeting: keeps each participant's last decoded picture, decides who
/// sits in which slot (chair placements, floor order, join order) and composes every output.
/// Thread-safe: frames may arrive on receive threads while a timer calls <see cref="Render"/>;
/// <see cref="PushFrame"/> and <see cref="IsVisible"/> never wait for a composite in progress.
/// </summary>
public sealed partial class VideoMixer : IDisposable
{
    private readonly object _gate = new();
    // Concurrent so receive threads can look participants up without the mixer lock; adding and
    // removing still happen under it.
    private readonly ConcurrentDictionary<string, ParticipantVideo> _participants = new(StringComparer.Ordinal);
    private readonly List<ParticipantVideo> _joinOrder = [];
    private readonly Dictionary<int, string> _placements = [];
    private readonly List<CompositeOutput> _outputs = [];
    private readonly FloorController _floor;
    private readonly CompositorOptions _compositorOptions;
    private readonly bool _deriveSmallerOutputs;
    private VideoLayout? _chosenLayout;
    private LayoutGroup _group;
    private long _renderStamp; // the last completed render
    private long _assignStamp;

    /// <param name="deriveSmallerOutputs">
    /// Produce a smaller output with the same layout by scaling the larger canvas (much cheaper
    /// with many tiles; labels shrink with it) instead of composing its tiles again.
    /// </param>
    public VideoMixer(TimeSpan? floorHoldTime = null, CompositorOptions? compositorOptions = null, bool deriveSmallerOutputs = true)
    {
        _deriveSmallerOutputs = deriveSmallerOutputs;
        _floor = new FloorController(floorHoldTime ?? TimeSpan.FromSeconds(2));
        _compositorOptions = compositorOptions ?? CompositorOptions.Default;
        _group = LayoutGroups.Default;
    }

    public LayoutMode Mode { get; private set; } = LayoutMode.Automatic;

    /// <summary>The meeting layout for the current participant count.</summary>
    public VideoLayout CurrentLayout
    {
        get
        {
            lock (_gate)
            {
                return ResolveLayout();
            }
        }
    }

    public int ParticipantCount
    {
        get
        {
            lock (_gate)
            {
                return _joinOrder.Count;
            }
        }
    }

    public string? FloorHolder
    {
        get
        {
            lock (_gate)
            {
                return _floor.FloorHolder;
            }
        }
    }

    public void AddParticipant(string id, string displayName)
    {
        lock (_gate)
        {
            if (_participants.TryGetValue(id, out var existing))
            {
                existing.DisplayName = displayName;
                return;
            }

            var participant = new ParticipantVideo(id, displayName);
            _participants.TryAdd(id, participant);
            _joinOrder.Add(participant);
        }
    }

    public void RemoveParticipant(string id)
    {
        lock (_gate)
        {
            if (!_participants.TryRemove(id, out var participant))
            {
                return;
            }

            _joinOrder.Remove(participant);
            _floor.Remove(id);
            foreach (var slot in _placements.Where(p => p.Value == id).Select(p => p.Key).ToList())
            {
                _placements.Remove(slot);
            }

            participant.Dispose();
        }
    }

    /// <summary>The participant's own video off: the tile shows the name only.</summary>
    public void SetVideoOff(string id, bool off)
    {
        lock (_gate)
        {
            if (_participants.TryGetValue(id, out var participant))
            {
                participant.VideoOff = off;
            }
        }
    }

    /// <summary>The chair forbids (or allows again) a participant's video; independent of their own video off.</summary>
    public void SetVideoForbidden(string id, bool forbidden)
    {
        lock (_gate)
        {
            if (_participants.TryGetValue(id, out var participant))
            {
                participant.VideoForbidden = forbidden;
            }
        }
    }

    /// <summary>Stores a decoded picture as the participant's latest; returns false for unknown ids.</summary>
    public bool PushFrame(string id, in I420View picture)
    {
        if (!_participants.TryGetValue(id, out var participant))
        {
            return false;
        }

        participant.Store(picture);
        return true;
    }

    /// <summary>Called by the audio mixer whenever the loudest speaker changes (or is confirmed).</summary>
    public void ReportActiveSpeaker(string id, TimeSpan now)
    {
        lock (_gate)
        {
            if (_participants.ContainsKey(id))
            {
                _floor.ReportSpeaker(id, now);
            }
        }
    }

    /// <summary>
    /// The output for a resolution (and optional fixed layout), created on first use and shared
    /// afterwards: one composite, hence one encode, per distinct layout and resolution.
    /// </summary>
    public CompositeOutput GetOrAddOutput(int width, int height, VideoLayout? layoutOverride = null)
    {
        lock (_gate)
        {
            foreach (var existing in _outputs)
            {
                if (existing.Width == width && existing.Height == height && ReferenceEquals(existing.LayoutOverride, layoutOverride))
                {
                    return existing;
                }
            }

            var output = new CompositeOutput(ResolveLayout(), layoutOverride, width, height, _compositorOptions);
            _outputs.Add(output);
            // Largest first, so smaller outputs can be derived from a canvas composed this frame.
            _outputs.Sort((a, b) => ((long)b.Width * b.Height).CompareTo((long)a.Width * a.Height));
            return output;
        }
    }

    /// <summary>Stops composing an output nobody receives any more, and frees its canvas.</summary>
    public bool RemoveOutput(CompositeOutput output)
    {
        lock (_gate)
        {
            if (!_outputs.Remove(output))
            {
                return false;
            }

            foreach (var other in _outputs)
            {
                if (ReferenceEquals(other.DerivedFrom, output))
                {
                    other.DerivedFrom = null;
                }
            }

            output.Dispose();
            return true;
        }
    }

    public IReadOnlyList<CompositeOutput> Outputs
    {
        get
        {
            lock (_gate)
            {
                return [.. _outputs];
            }
        }
    }

    /// <summary>True when the participant is in a slot of some output: only these need decoding.</summary>
    public bool IsVisible(string id)
    {
        // During a render, stamps move from the last completed render to the next one; either
        // counts as visible, so a sender never looks hidden just because a render is under way.
        var completed = Volatile.Read(ref _renderStamp);
        return completed != 0 && _participants.TryGetValue(id, out var participant) && participant.VisibleStamp >= completed;
    }

    /// <summary>Composes one frame of every output.</summary>
    public void Render(TimeSpan now)
    {
        lock (_gate)
        {
            _floor.Update(now);
            var stamp = _renderStamp + 1;
            foreach (var participant in _joinOrder)
            {
                participant.Publish();
            }

            var meetingLayout = ResolveLayout();
            foreach (var output in _outputs)
            {
                var layout = output.LayoutOverride ?? meetingLayout;
                output.Compositor.SetLayout(layout);
                var (tiles, assigned) = output.Buffers(layout.Capacity);
                Assign(layout, assigned);
                for (var slot = 0; slot < tiles.Length; slot++)
                {
                    tiles[slot] = assigned[slot] is { } id ? TileFor(_participants[id], stamp) : TileContent.Empty;
                }

                output.DerivedFrom = _deriveSmallerOutputs ? FindSource(output, layout) : null;
                if (output.DerivedFrom is { } source)
                {
                    output.Compositor.ComposeFrom(source.Compositor);
                }
                else
                {
                    output.Compositor.Compose(tiles);
                }

                output.FrameCount++;
            }

            Volatile.Write(ref _renderStamp, stamp);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var output in _outputs)
            {
                output.Dispose();
            }

            foreach (var participant in _joinOrder)
            {
                participant.Dispose();
            }

            _outputs.Clear();
            _joinOrder.Clear();
            _participants.Clear();
        }
    }
}
