namespace Sparkle.Media.Transport;

/// <summary>What a leg's transport reports upwards. Called on the receive path: implementations queue
/// the event and return.</summary>
public interface IAudioLegObserver
{
    void OnDtmf(string participantId, char digit);

    void OnSsrcLearned(string participantId, uint ssrc);
}
