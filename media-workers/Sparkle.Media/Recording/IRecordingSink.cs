namespace Sparkle.Media.Recording;

/// <summary>Where finished recording files go (the lead's encrypting uploader, or a spool folder). Called on
/// the recorder's own thread once the file is closed; the receiver owns the file from then on (moves or
/// deletes it) and should hand slow work (upload) to a queue of its own rather than hold the recorder.</summary>
public interface IRecordingSink
{
    void PartCompleted(RecordedPart part);

    void UtteranceCompleted(RecordedUtterance utterance);
}

/// <summary>What a whole-meeting part holds: audio and video in one file, or one of them alone
/// (separate audio and video).</summary>
public enum RecordedKind
{
    Mixed = 0,
    Audio = 1,
    Video = 2,
}

/// <summary>One part of a whole-meeting recording: a complete file that plays alone. Each part's
/// timestamps start at 0; <see cref="Offset"/> places it on the recording's timeline, and the parts in
/// index order play back as one recording (e.g. ffmpeg's concat demuxer).</summary>
public sealed record RecordedPart(
    Guid RecordingId,
    RecordedKind Kind,
    int Index,
    string LocalPath,
    string ContentType,
    TimeSpan Offset,
    TimeSpan Duration,
    DateTimeOffset StartedAt,
    bool Last,
    long Bytes);

/// <summary>One utterance of one participant, an Ogg Opus file of its own. Times are on the meeting's clock;
/// <see cref="RecordingOffset"/> is where it falls in the whole-meeting recording running at the time.</summary>
public sealed record RecordedUtterance(
    Guid UtteranceId,
    string ParticipantId,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    TimeSpan? RecordingOffset,
    string LocalPath,
    string ContentType);
