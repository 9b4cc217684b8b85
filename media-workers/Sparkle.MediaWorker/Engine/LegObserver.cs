using System.Globalization;
using Sparkle.Grains.Meetings;
using Sparkle.Media.Transport;

namespace Sparkle.MediaWorker.Engine;

/// <summary>Turns a leg's transport callbacks into meeting media events.</summary>
internal sealed class LegObserver(Guid meetingId, IMediaEventSink events) : IAudioLegObserver, IVideoLegObserver
{
    public void OnDtmf(string participantId, char digit) =>
        events.Publish(new MediaEvent(meetingId, participantId, MediaEventKind.Dtmf, digit.ToString()));

    public void OnSsrcLearned(string participantId, uint ssrc) =>
        events.Publish(new MediaEvent(meetingId, participantId, MediaEventKind.SsrcLearned,
            string.Create(CultureInfo.InvariantCulture, $"audio:{ssrc}")));

    public void OnVideoSsrcLearned(string participantId, uint ssrc) =>
        events.Publish(new MediaEvent(meetingId, participantId, MediaEventKind.SsrcLearned,
            string.Create(CultureInfo.InvariantCulture, $"video:{ssrc}")));
}
