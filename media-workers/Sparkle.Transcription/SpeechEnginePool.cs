using System.Collections.Concurrent;

namespace Sparkle.Transcription;

/// <summary>Runs transcriptions on up to <see cref="Size"/> engines at once, each used by one thread at a
/// time. Engines are created on first need (a PocketSphinx decoder loads ~30 MB of model) and kept.</summary>
public sealed class SpeechEnginePool : IDisposable
{
    private readonly Func<ISpeechEngine> _factory;
    private readonly ConcurrentBag<ISpeechEngine> _idle = [];
    private readonly ConcurrentBag<ISpeechEngine> _all = [];
    private readonly SemaphoreSlim _slots;
    private bool _disposed;

    public SpeechEnginePool(Func<ISpeechEngine> factory, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _factory = factory;
        Size = size;
        _slots = new SemaphoreSlim(size, size);
    }

    public int Size { get; }

    /// <summary>Thread-safe: waits for a free engine.</summary>
    public Transcript Transcribe(ReadOnlySpan<short> pcm, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _slots.Wait(cancellationToken);
        try
        {
            if (!_idle.TryTake(out var engine))
            {
                engine = _factory();
                _all.Add(engine);
            }
            try
            {
                return engine.Transcribe(pcm);
            }
            finally
            {
                _idle.Add(engine);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var engine in _all)
        {
            engine.Dispose();
        }
        _slots.Dispose();
    }
}
