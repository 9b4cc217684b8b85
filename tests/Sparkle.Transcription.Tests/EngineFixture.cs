using Sparkle.Transcription.Engines;

namespace Sparkle.Transcription.Tests;

/// <summary>One decoder for the engine tests (loading the model takes a second); xunit runs a class's
/// tests one at a time, so the engine is never used by two threads.</summary>
public sealed class EngineFixture : IDisposable
{
    private readonly Lazy<PocketSphinxEngine> _engine = new(() =>
    {
        TestAudio.RequireModel();
        return new PocketSphinxEngine();
    });

    public PocketSphinxEngine Engine => _engine.Value;

    public void Dispose()
    {
        if (_engine.IsValueCreated)
        {
            _engine.Value.Dispose();
        }
    }
}
