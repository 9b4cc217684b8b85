using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sparkle.Media.Recording;

namespace Sparkle.MediaWorker.Hosting;

/// <summary>The default recording sink: moves each finished file into <c>Media:Recording:SpoolFolder</c> and
/// logs it. Stands in until the encrypting uploader replaces it; it keeps plaintext on local disk, so it is
/// for development and tests.</summary>
public sealed class SpoolRecordingSink(IOptions<MediaWorkerOptions> options, ILogger<SpoolRecordingSink> logger) : IRecordingSink
{
    private readonly string _folder = options.Value.Recording.SpoolFolder;

    public void PartCompleted(RecordedPart part)
    {
        var path = Keep(part.LocalPath);
        logger.LogInformation("Recording {RecordingId} {Kind} part {Index} ({ContentType}, {Bytes} bytes, at {Offset}, {Duration}{Last}): {Path}",
            part.RecordingId, part.Kind, part.Index, part.ContentType, part.Bytes, part.Offset, part.Duration, part.Last ? ", last" : "", path);
    }

    public void UtteranceCompleted(RecordedUtterance utterance)
    {
        var path = Keep(utterance.LocalPath);
        logger.LogInformation("Utterance {UtteranceId} of {ParticipantId} from {StartedAt:O} to {EndedAt:O} (recording offset {Offset}): {Path}",
            utterance.UtteranceId, utterance.ParticipantId, utterance.StartedAt, utterance.EndedAt, utterance.RecordingOffset, path);
    }

    private string Keep(string path)
    {
        Directory.CreateDirectory(_folder);
        var target = Path.Combine(_folder, Path.GetFileName(path));
        File.Move(path, target, overwrite: true);
        return target;
    }
}
