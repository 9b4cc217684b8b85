using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sparkle.Grains.Meetings;
using Sparkle.MediaWorker.Engine;

namespace Sparkle.MediaWorker.Hosting;

/// <summary>Delivers media events to their meeting grains in order, off the media threads: publishing
/// only writes to a channel; a background loop makes the grain calls.</summary>
public sealed class GrainEventSink(IGrainFactory grains, IOptions<MediaWorkerOptions> options, ILogger<GrainEventSink> logger)
    : BackgroundService, IMediaEventSink
{
    private readonly string _workerId = options.Value.WorkerId;

    private readonly Channel<MediaEvent> _queue = Channel.CreateBounded<MediaEvent>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Signed with this worker's id: the meeting takes a leg's events only from the worker holding the leg.</summary>
    public void Publish(MediaEvent mediaEvent) => _queue.Writer.TryWrite(mediaEvent with { WorkerId = _workerId });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var mediaEvent in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await grains.GetGrain<IMeetingGrain>(mediaEvent.MeetingId).OnMediaEventAsync(mediaEvent);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Meeting {MeetingId}: could not deliver {Kind}", mediaEvent.MeetingId, mediaEvent.Kind);
            }
        }
    }
}
