namespace Sparkle.Video.Compositing;

/// <summary>
/// A participant's video state inside a <see cref="VideoMixer"/>. Pictures are double-buffered:
/// receive threads write the back buffer under a per-participant lock, and the render thread
/// swaps it to the front between frames, so decoding never waits for a whole composite.
/// </summary>
internal sealed class ParticipantVideo(string id, string displayName) : IDisposable
{
    private readonly object _frameLock = new();
    private I420Frame? _back;
    private bool _hasNew;
    private bool _disposed;
    private long _visibleStamp;

    public string Id { get; } = id;

    public string DisplayName { get; set; } = displayName;

    /// <summary>The participant turned their camera off.</summary>
    public bool VideoOff { get; set; }

    /// <summary>The chair forbade this participant's video.</summary>
    public bool VideoForbidden { get; set; }

    public bool ShowsVideo => !VideoOff && !VideoForbidden && Frame is not null;

    /// <summary>The picture being composed (render thread only); kept while the sender is hidden or silent.</summary>
    public I420Frame? Frame { get; private set; }

    /// <summary>The render that last put this participant in a slot (read by receive threads).</summary>
    public long VisibleStamp
    {
        get => Volatile.Read(ref _visibleStamp);
        set => Volatile.Write(ref _visibleStamp, value);
    }

    public long AssignStamp { get; set; }

    /// <summary>Receive thread: copies a decoded picture into the back buffer.</summary>
    public void Store(in I420View picture)
    {
        lock (_frameLock)
        {
            if (_disposed)
            {
                return;
            }

            _back ??= new I420Frame(picture.Width, picture.Height);
            _back.CopyFrom(picture);
            _hasNew = true;
        }
    }

    /// <summary>Render thread, before composing: makes the newest stored picture the front one.</summary>
    public void Publish()
    {
        lock (_frameLock)
        {
            if (_hasNew)
            {
                (Frame, _back) = (_back, Frame);
                _hasNew = false;
            }
        }
    }

    public void Dispose()
    {
        lock (_frameLock)
        {
            _disposed = true;
            Frame?.Dispose();
            _back?.Dispose();
            Frame = null;
            _back = null;
        }
    }
}
