namespace Sparkle.Sip.Tests.Support;

public static class Eventually
{
    /// <summary>Waits for a condition that depends on work queued to the thread pool; fails after 5 s.</summary>
    public static void True(Func<bool> condition, string because)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting: " + because);
            }
            Thread.Sleep(5);
        }
    }
}
