using Sparkle.Video.Codecs;
using Sparkle.Video.Compositing;

namespace Sparkle.Video.Pipeline;

/// <summary>
/// The console's still preview of one composite output: on request, the latest composed picture as JPEG.
/// Nothing happens per frame: the video tick keeps composing into its canvas as before, and only a request
/// copies that canvas (through <c>capture</c>, under the tick's lock, one memcpy of 1.4 MB at 720p) and
/// encodes the copy outside that lock. Requests within <see cref="MinInterval"/> of the last encode get the
/// cached JPEG, however many viewers ask, so a meeting costs at most one encode per interval.
/// Thread-safe; the encoder is created at the first request and kept.
/// </summary>
public sealed class PreviewGrabber : IDisposable
{
    /// <summary>The default shortest time between two encodes of one meeting's preview.</summary>
    public static readonly TimeSpan DefaultMinInterval = TimeSpan.FromMilliseconds(500);

    private readonly object _gate = new();
    private readonly Func<I420Frame, bool> _capture;
    private readonly TimeProvider _clock;
    private readonly int _quality;
    private I420Frame? _snapshot;
    private JpegEncoder? _encoder;
    private Preview? _last;
    private bool _disposed;

    /// <param name="capture">Copies the latest composed picture into the frame it is given (resizing it);
    /// false when there is none right now.</param>
    public PreviewGrabber(Func<I420Frame, bool> capture, TimeProvider? clock = null, TimeSpan? minInterval = null, int quality = 5)
    {
        _capture = capture ?? throw new ArgumentNullException(nameof(capture));
        _clock = clock ?? TimeProvider.System;
        MinInterval = minInterval ?? DefaultMinInterval;
        _quality = quality;
    }

    public TimeSpan MinInterval { get; }

    /// <summary>Encodes done so far (for tests and logs).</summary>
    public long Encodes { get; private set; }

    /// <summary>The latest picture as JPEG, at most <see cref="MinInterval"/> old; null when there is no picture.</summary>
    public Preview? Grab()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _clock.GetUtcNow();
            if (_last is { } cached && now - cached.TakenAt < MinInterval)
            {
                return cached;
            }

            _snapshot ??= new I420Frame(2, 2);
            if (!_capture(_snapshot))
            {
                // Remembered as "none" for the interval too, so polling viewers cost nothing either.
                _last = null;
                return null;
            }

            if (_encoder is null || _encoder.Width != _snapshot.Width || _encoder.Height != _snapshot.Height)
            {
                _encoder?.Dispose();
                _encoder = new JpegEncoder(_snapshot.Width, _snapshot.Height, _quality);
            }

            var jpeg = _encoder.Encode(_snapshot.AsView());
            Encodes++;
            _last = new Preview(jpeg, _snapshot.Width, _snapshot.Height, now);
            return _last;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _encoder?.Dispose();
            _encoder = null;
            _snapshot?.Dispose();
            _snapshot = null;
            _last = null;
        }
    }
}

/// <summary>One encoded preview picture and when it was taken.</summary>
public sealed record Preview(byte[] Jpeg, int Width, int Height, DateTimeOffset TakenAt);
