using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;

namespace Sparkle.GraphQL.Meetings;

/// <summary>A meeting's events as an observable: each subscriber gets its own Orleans observer reference,
/// subscribed on the meeting grain and renewed every minute (the grain expires silent subscribers).</summary>
internal sealed class MeetingEventFeed(IGrainFactory grains, Guid meetingId, Caller caller, long? afterVersion, ILogger logger) : IObservable<MeetingEvent>
{
    public static readonly TimeSpan RenewEvery = TimeSpan.FromMinutes(1);

    public IDisposable Subscribe(IObserver<MeetingEvent> observer)
    {
        var subscription = new FeedSubscription(grains, grains.GetGrain<IMeetingGrain>(meetingId), caller, observer, logger);
        subscription.Start(afterVersion);
        return subscription;
    }

    private sealed class FeedSubscription(IGrainFactory grains, IMeetingGrain meeting, Caller caller, IObserver<MeetingEvent> observer, ILogger logger)
        : IMeetingObserver, IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Lock _gate = new();
        private IMeetingObserver? _reference;
        private List<MeetingEvent>? _heldBack;
        private long _lastVersion = -1;
        private bool _finished;

        public void Start(long? afterVersion)
        {
            if (afterVersion is not null)
            {
                // Live events wait until the catch-up is delivered, so versions go out in order.
                _heldBack = [];
            }
            // Orleans holds client observers weakly: this object stays referenced by the GraphQL stream.
            _reference = grains.CreateObjectReference<IMeetingObserver>(this);
            _ = RunAsync(afterVersion);
        }

        public Task OnMeetingEventAsync(MeetingEvent meetingEvent)
        {
            lock (_gate)
            {
                if (_heldBack is not null)
                {
                    _heldBack.Add(meetingEvent);
                    return Task.CompletedTask;
                }
            }
            Deliver(meetingEvent);
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _finished = true;
            }
            _stop.Cancel();
            if (_reference is { } reference)
            {
                _reference = null;
                _ = UnsubscribeAsync(reference);
            }
        }

        private async Task RunAsync(long? afterVersion)
        {
            try
            {
                await meeting.SubscribeAsync(caller, _reference!);
                if (afterVersion is { } version)
                {
                    foreach (var missed in await meeting.GetEventsSinceAsync(caller, version))
                    {
                        Deliver(missed);
                    }
                    List<MeetingEvent> held;
                    lock (_gate)
                    {
                        held = _heldBack!;
                        _heldBack = null;
                    }
                    foreach (var live in held.OrderBy(e => e.Version))
                    {
                        Deliver(live);
                    }
                }
                using var timer = new PeriodicTimer(RenewEvery);
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    try
                    {
                        await meeting.SubscribeAsync(caller, _reference!);
                    }
                    catch (Exception ex) when (ex is not (AccessDeniedException or NotFoundException or OperationCanceledException))
                    {
                        logger.LogWarning(ex, "Renewing the event subscription failed; retrying in a minute");
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex)
            {
                // Refused (role changed, meeting deleted) or unreachable: end this stream with the reason.
                Finish(ex);
            }
        }

        private void Deliver(MeetingEvent meetingEvent)
        {
            lock (_gate)
            {
                if (_finished || meetingEvent.Version <= _lastVersion)
                {
                    return;
                }
                _lastVersion = meetingEvent.Version;
                observer.OnNext(meetingEvent);
            }
            if (meetingEvent.Kind == MeetingEventKind.MeetingDeleted)
            {
                Finish(null);
            }
        }

        private void Finish(Exception? error)
        {
            lock (_gate)
            {
                if (_finished)
                {
                    return;
                }
                _finished = true;
            }
            if (error is null)
            {
                observer.OnCompleted();
            }
            else
            {
                observer.OnError(error);
            }
        }

        private async Task UnsubscribeAsync(IMeetingObserver reference)
        {
            try
            {
                await meeting.UnsubscribeAsync(reference);
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "Unsubscribe failed; the grain will expire the subscription");
            }
            finally
            {
                grains.DeleteObjectReference<IMeetingObserver>(reference);
            }
        }
    }
}
