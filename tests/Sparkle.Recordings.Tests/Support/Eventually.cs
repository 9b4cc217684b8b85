using System.Diagnostics;

namespace Sparkle.Recordings.Tests.Support;

/// <summary>Waits for a condition (polling), failing only after a generous timeout: tests wait on what
/// happened, never on how long something should take.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, int timeoutSeconds = 120)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(timeoutSeconds))
            {
                Assert.Fail($"timed out after {timeoutSeconds} s waiting for: {what}");
            }
            await Task.Delay(20);
        }
    }
}
