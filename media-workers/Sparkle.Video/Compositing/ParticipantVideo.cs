namespace Sparkle.Video.Compositing;

/// <summary>A participant's video state inside a <see cref="VideoMixer"/>.</summary>
internal sealed class ParticipantVideo(string id, string displayName) : IDisposable
{
    public string Id { get; } = id;

    public string DisplayName { get; set; } = displayName;

    /// <summary>The participant turned their camera off.</summary>
    public bool VideoOff { get; set; }

    /// <summary>The chair forbade this participant's video.</summary>
    public bool VideoForbidden { get; set; }

    public bool ShowsVideo => !VideoOff && !VideoForbidden && Frame is not null;

    /// <summary>The latest decoded picture; kept while the sender is invisible or silent.</summary>
    public I420Frame? Frame { get; private set; }

    public long VisibleStamp { get; set; }

    public long AssignStamp { get; set; }

    public void Store(in I420View picture)
    {
        if (Frame is null)
        {
            Frame = new I420Frame(picture.Width, picture.Height);
        }

        Frame.CopyFrom(picture);
    }

    public void Dispose()
    {
        Frame?.Dispose();
        Frame = null;
    }
}
