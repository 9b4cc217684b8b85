namespace Sparkle.Grains.Tests.Infrastructure;

/// <summary>Waits for something the grains do in the background (dial-outs, observer deliveries).
/// The limit is generous: it only turns a hang into a failure, it measures nothing.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }

    public static Task WaitAsync(Func<bool> done, string what, int seconds = 20) =>
        WaitAsync(() => Task.FromResult(done()), d => d, what, seconds);
}
