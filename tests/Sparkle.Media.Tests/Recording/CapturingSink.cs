using System.Collections.Concurrent;
using Sparkle.Media.Recording;

namespace Sparkle.Media.Tests.Recording;

/// <summary>A recording sink that keeps what it is given (the files stay where the recorder closed them).</summary>
internal sealed class CapturingSink : IRecordingSink, Sparkle.MediaWorker.Engine.IRecordingStore, IDisposable
{
    public IRecordingSink Open(Guid meetingId, Sparkle.Grains.Recordings.RecordingOrder order) => this;

    public ConcurrentQueue<RecordedPart> Parts { get; } = new();
    public ConcurrentQueue<RecordedUtterance> Utterances { get; } = new();
    public ConcurrentQueue<int> CallingThreads { get; } = new();

    public void PartCompleted(RecordedPart part)
    {
        Assert.True(File.Exists(part.LocalPath), $"part {part.LocalPath} handed over without its file");
        CallingThreads.Enqueue(Environment.CurrentManagedThreadId);
        Parts.Enqueue(part);
    }

    public void UtteranceCompleted(RecordedUtterance utterance)
    {
        Assert.True(File.Exists(utterance.LocalPath), $"utterance {utterance.LocalPath} handed over without its file");
        CallingThreads.Enqueue(Environment.CurrentManagedThreadId);
        Utterances.Enqueue(utterance);
    }

    public void Dispose()
    {
        foreach (var path in Parts.Select(p => p.LocalPath).Concat(Utterances.Select(u => u.LocalPath)))
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }
}
