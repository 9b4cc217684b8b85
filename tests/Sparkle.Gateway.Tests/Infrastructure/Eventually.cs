namespace Sparkle.Gateway.Tests.Infrastructure;

public static class Eventually
{
    /// <summary>Waits for asynchronous effects (grain calls, NOTIFYs); fails after 30 s.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string because)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting: " + because);
            }
            await Task.Delay(20);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string because) => TrueAsync(() => Task.FromResult(condition()), because);
}
