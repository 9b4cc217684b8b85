using Sparkle.Grains.Meetings;

namespace Sparkle.MediaWorker.Engine;

/// <summary>Where the engine reports what it sees on legs. Must not block: events are queued.</summary>
public interface IMediaEventSink
{
    void Publish(MediaEvent mediaEvent);
}
