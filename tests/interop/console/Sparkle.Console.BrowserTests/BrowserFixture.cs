using PuppeteerSharp;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Sparkle.Console.BrowserTests;

/// <summary>One headless Chromium for the whole suite (Debian's, never a downloaded one), with a fresh profile;
/// each test opens its own incognito context, so sessions and localStorage never leak between tests.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Generous: a loaded 2-core machine compiles the WebAssembly app slowly on first load.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly string _profile = Directory.CreateTempSubdirectory("sparkle-chromium-").FullName;

    public Platform Platform { get; } = new();
    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("SPARKLE_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium",
            Headless = true,
            UserDataDir = _profile,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                // The Join panel's WebRTC (JoinPanelTests): fake camera and microphone granted without a prompt,
                // peer connections to the worker on this machine, and the composite playing with sound.
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required",
            ],
            ProtocolTimeout = (int)Patience.TotalMilliseconds,
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still hold a lock file for a moment.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
