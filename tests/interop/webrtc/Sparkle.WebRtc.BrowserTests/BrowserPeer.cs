using System.Diagnostics;
using System.Text.Json;
using PuppeteerSharp;
using Sparkle.Console.BrowserTests;
using Platform = Sparkle.Console.BrowserTests.Platform;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Sparkle.WebRtc.BrowserTests;

/// <summary>Headless Chromium (Debian's) with a fake camera and a tone file as its microphone, for the whole suite.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const int BrowserTone = 1000;
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _profile = Directory.CreateTempSubdirectory("sparkle-webrtc-").FullName;

    public Platform Platform { get; } = new();
    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        // Swelling and fading like speech (see tests/interop/console/sip-client.sh: the mixer takes a steady tone for noise).
        var tone = Path.Combine(_profile, "tone.wav");
        using (var sox = Process.Start("sox", ["-n", "-r", "48000", "-c", "1", "-b", "16", tone, "synth", "60", "sine", $"{BrowserTone}", "vol", "0.4", "tremolo", "0.5", "100"]))
        {
            await sox.WaitForExitAsync();
        }
        Browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("SPARKLE_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium",
            Headless = true,
            UserDataDir = Path.Combine(_profile, "profile"),
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-audio-capture={tone}",
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
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ChromiumCollection : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "chromium";
}

/// <summary>One RTCPeerConnection in its own page, on the API's origin (127.0.0.1 is a secure context, so the page may
/// use the camera and microphone). The test carries the offer and answer: the same single round trip the console
/// makes through the SDK.</summary>
public sealed class BrowserPeer : IAsyncDisposable
{
    private const string Script = """
        window.sparkle = {
          async offer(o) {
            const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
            window.pc = pc;
            window.remote = new MediaStream();
            pc.ontrack = e => {
              window.remote.addTrack(e.track);
              if (e.track.kind === 'audio') {
                // Chromium plays remote WebRTC audio into WebAudio only while a media element also plays it.
                const el = new Audio(); el.srcObject = new MediaStream([e.track]); el.muted = true; el.play().catch(x => window.audioError = 'play: ' + x);
                let ctx;
                try { ctx = new AudioContext({ sampleRate: 48000 }); } catch (x) { window.audioError = 'AudioContext: ' + x; return; }
                const src = ctx.createMediaStreamSource(new MediaStream([e.track]));
                const an = ctx.createAnalyser(); an.fftSize = 32768; src.connect(an);
                window.audio = { ctx, an };
              } else {
                const v = document.createElement('video'); v.autoplay = true; v.muted = true; v.playsInline = true;
                v.srcObject = new MediaStream([e.track]); document.body.appendChild(v); v.play(); window.video = v;
              }
            };
            if (o.receiveOnly) {
              pc.addTransceiver('audio', { direction: 'recvonly' });
              if (o.video) pc.addTransceiver('video', { direction: 'recvonly' });
            } else {
              // No echo cancellation, noise suppression or gain control: they would treat the steady test tone as noise.
              const audio = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
              const s = await navigator.mediaDevices.getUserMedia({ audio, video: o.video ? { width: 640, height: 480 } : false });
              s.getTracks().forEach(t => pc.addTrack(t, s));
              window.local = s;
            }
            await pc.setLocalDescription(await pc.createOffer());
            await new Promise(r => {
              if (pc.iceGatheringState === 'complete') return r();
              pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r());
            });
            return pc.localDescription.sdp;
          },
          async answer(sdp) { await pc.setRemoteDescription({ type: 'answer', sdp }); },
          // dBFS of each tone in the last ~0.68 s of what the browser receives (Goertzel; a full-scale sine is 0).
          levels(freqs) {
            if (!window.audio) return null;
            const an = window.audio.an, n = an.fftSize, x = new Float32Array(n);
            an.getFloatTimeDomainData(x);
            const rate = window.audio.ctx.sampleRate;
            return freqs.map(f => {
              const k = Math.round(n * f / rate), c = 2 * Math.cos(2 * Math.PI * k / n);
              let s1 = 0, s2 = 0;
              for (let i = 0; i < n; i++) { const s = x[i] + c * s1 - s2; s2 = s1; s1 = s; }
              const p = s1 * s1 + s2 * s2 - c * s1 * s2;
              return 20 * Math.log10(Math.max(2 * Math.sqrt(Math.max(p, 0)) / n, 1e-10));
            });
          },
          async stats() {
            const r = await pc.getStats(), out = { transport: null, inboundAudio: null, inboundVideo: null, outboundAudio: null, outboundVideo: null, codecs: {} };
            r.forEach(s => {
              if (s.type === 'transport') out.transport = s;
              if (s.type === 'codec') out.codecs[s.id] = s.mimeType;
              if (s.type === 'inbound-rtp') out[s.kind === 'audio' ? 'inboundAudio' : 'inboundVideo'] = s;
              if (s.type === 'outbound-rtp') out[s.kind === 'audio' ? 'outboundAudio' : 'outboundVideo'] = s;
            });
            return JSON.stringify(out);
          },
          // What the received picture shows: "bars" (baresip's red, green, blue thirds), "dark" (the compositor's
          // video-off fill or an empty slot), else "picture"; with its size. Null before a frame arrived.
          look() {
            const v = window.video; if (!v || !v.videoWidth) return null;
            const w = v.videoWidth, h = v.videoHeight, c = document.createElement('canvas'); c.width = w; c.height = h;
            const g = c.getContext('2d'); g.drawImage(v, 0, 0);
            const mean = x0 => { const d = g.getImageData(x0 + w / 12, h / 4, w / 6, h / 2).data; const m = [0, 0, 0];
              for (let i = 0; i < d.length; i += 4) { m[0] += d[i]; m[1] += d[i + 1]; m[2] += d[i + 2]; }
              return m.map(x => x / (d.length / 4)); };
            const t = [mean(0), mean(w / 3), mean(2 * w / 3)];
            const dom = (m, k) => m[k] > 150 && m.every((x, j) => j === k || x < 90);
            const bars = dom(t[0], 0) && dom(t[1], 1) && dom(t[2], 2);
            const dark = t.every(m => Math.max(...m) < 90);
            return (bars ? 'bars' : dark ? 'dark' : 'picture') + ' ' + w + 'x' + h;
          },
          // The received picture as PNG (base64), from the video element.
          frame() {
            const v = window.video; if (!v || !v.videoWidth) return null;
            const c = document.createElement('canvas'); c.width = v.videoWidth; c.height = v.videoHeight;
            c.getContext('2d').drawImage(v, 0, 0);
            return c.toDataURL('image/png').split(',')[1];
          },
        };
        """;

    private readonly IBrowserContext _context;

    private BrowserPeer(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
    }

    public IPage Page { get; }

    public static async Task<BrowserPeer> OpenAsync(ChromiumFixture fixture)
    {
        var context = await fixture.Browser.CreateBrowserContextAsync();
        var page = await context.NewPageAsync();
        page.DefaultTimeout = (int)ChromiumFixture.Patience.TotalMilliseconds;
        // A tiny page on the API's origin: a secure context without loading the console's WebAssembly.
        await page.GoToAsync(new Uri(fixture.Platform.Console, "/health").ToString());
        await page.EvaluateExpressionAsync(Script);
        return new BrowserPeer(context, page);
    }

    public Task<string> OfferAsync(bool video, bool receiveOnly = false) =>
        Page.EvaluateFunctionAsync<string>("o => window.sparkle.offer(o)", new { video, receiveOnly });

    public Task AnswerAsync(string sdp) => Page.EvaluateFunctionAsync("s => window.sparkle.answer(s)", sdp);

    public Task<string> ConnectionStateAsync() => Page.EvaluateExpressionAsync<string>("window.pc.connectionState");

    /// <summary>dBFS of each tone in what the browser hears now; null before audio arrived.</summary>
    public Task<double[]?> LevelsAsync(params int[] tones) =>
        Page.EvaluateFunctionAsync<double[]?>("f => window.sparkle.levels(f)", tones);

    public async Task<JsonDocument> StatsAsync() =>
        JsonDocument.Parse(await Page.EvaluateExpressionAsync<string>("window.sparkle.stats()"));

    /// <summary>"bars WxH", "dark WxH" or "picture WxH" for the picture the browser receives now; null before one came.</summary>
    public Task<string?> LookAsync() => Page.EvaluateExpressionAsync<string?>("window.sparkle.look()");

    public async Task<byte[]?> FrameAsync() =>
        await Page.EvaluateExpressionAsync<string?>("window.sparkle.frame()") is { } base64 ? Convert.FromBase64String(base64) : null;

    public Task CloseConnectionAsync() => Page.EvaluateExpressionAsync("window.pc.close()");

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Free the page's audio context and connection at once: Chromium caps live audio contexts per browser.
            await Page.EvaluateExpressionAsync("(async () => { if (window.audio) await window.audio.ctx.close(); if (window.pc) window.pc.close(); })()");
        }
        catch (PuppeteerException)
        {
        }
        await Page.CloseAsync();
        await _context.CloseAsync();
    }
}
