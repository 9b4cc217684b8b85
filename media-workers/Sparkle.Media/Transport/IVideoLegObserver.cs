namespace Sparkle.Media.Transport;

/// <summary>What a video leg's transport reports upwards. Called on the receive path: implementations
/// queue the event and return.</summary>
public interface IVideoLegObserver
{
    void OnVideoSsrcLearned(string participantId, uint ssrc);
}
