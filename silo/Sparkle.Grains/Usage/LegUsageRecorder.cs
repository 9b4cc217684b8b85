using Microsoft.Extensions.Logging;
using Sparkle.Grains.Media;
using Sparkle.Grains.Meetings;

namespace Sparkle.Grains.Usage;

/// <summary>The meeting grain's usage bookkeeping: asks the worker for a leg's quality just before the leg is released,
/// and queues the leg's record when the participant is marked disconnected. Holds only those measurements between the
/// two calls; the records themselves go to the silo's <see cref="UsageWriter"/>, never into grain state. Without a
/// writer (silos without a ledger) it does nothing.</summary>
public sealed class LegUsageRecorder(UsageWriter? writer, ILogger logger, TimeProvider? time = null)
{
    private static readonly TimeSpan QualityTimeout = TimeSpan.FromSeconds(2);
    private readonly Dictionary<string, LegQuality> _quality = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Before the leg is released: what the worker measured on it (a failure only costs the record its quality).</summary>
    public async Task CaptureQualityAsync(IMediaWorker worker, Guid meetingId, ParticipantRecord record)
    {
        if (writer is null || !Connected(record))
        {
            return;
        }

        try
        {
            if (await worker.GetLegQualityAsync(meetingId, record.Id).WaitAsync(QualityTimeout) is { } quality)
            {
                _quality[record.Id] = quality;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Meeting {MeetingId}: no leg quality for {ParticipantId}; its usage record goes without", meetingId, record.Id);
        }
    }

    /// <summary>The participant is about to be marked disconnected: a leg that was connected gets its record.</summary>
    public void LegEnding(Guid tenantId, Guid meetingId, ParticipantRecord record)
    {
        _quality.Remove(record.Id, out var quality);
        if (writer is null || !Connected(record) || record.JoinedAt is not { } joinedAt)
        {
            return;
        }

        writer.Enqueue(LegUsage.Build(tenantId, meetingId, record, joinedAt, _time.GetUtcNow(), quality));
    }

    /// <summary>Only legs that connected are billed (a dial-out never answered, a dial-in refused before its ACK: none).</summary>
    private static bool Connected(ParticipantRecord record) => record.State is CallState.Connected or CallState.OnHold;
}
