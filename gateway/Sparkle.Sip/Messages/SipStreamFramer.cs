using System.Buffers;

namespace Sparkle.Sip.Messages;

/// <summary>Accumulates bytes from one TCP/TLS connection and yields whole messages. One per connection;
/// not thread-safe (a connection has one reader).</summary>
public sealed class SipStreamFramer : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(8192);
    private readonly int _maxHeaderBytes;
    private readonly int _maxBodyBytes;
    private int _start;
    private int _end;

    public SipStreamFramer(int maxHeaderBytes = SipParser.MaxHeaderBytes, int maxBodyBytes = SipParser.MaxBodyBytes)
    {
        _maxHeaderBytes = maxHeaderBytes;
        _maxBodyBytes = maxBodyBytes;
    }

    /// <summary>Bytes held for a message not yet complete (0 between messages and after keep-alive CRLFs).</summary>
    public int Buffered => _end - _start;

    /// <summary>Set once the stream can no longer be framed (bad Content-Length, oversized headers): the
    /// connection must be closed.</summary>
    public bool Broken { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_buffer.Length - _end < bytes.Length)
        {
            Compact(bytes.Length);
        }
        bytes.CopyTo(_buffer.AsSpan(_end));
        _end += bytes.Length;
    }

    /// <summary>Reads the next result; Incomplete means "append more bytes and ask again".</summary>
    public SipParseResult Next()
    {
        if (Broken || _start == _end)
        {
            return SipParseResult.Incomplete(0);
        }
        var result = SipParser.ParseStream(_buffer.AsSpan(_start, _end - _start), _maxHeaderBytes, _maxBodyBytes);
        _start += result.Consumed;
        if (result.Status == SipParseStatus.Invalid && result.Consumed >= 0 && !CanResync(result))
        {
            Broken = true;
        }
        if (_start == _end)
        {
            _start = _end = 0;
        }
        return result;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    // Framing survives an invalid message only when its length was known (a valid Content-Length).
    private bool CanResync(SipParseResult result) =>
        result.Message?.Headers.Get(HeaderNames.ContentLength) is { } cl
        && int.TryParse(cl, System.Globalization.NumberStyles.None, null, out var n) && n <= _maxBodyBytes;

    private void Compact(int needed)
    {
        var live = _end - _start;
        var size = _buffer.Length;
        while (size - live < needed)
        {
            size *= 2;
        }
        var target = size == _buffer.Length ? _buffer : ArrayPool<byte>.Shared.Rent(size);
        Buffer.BlockCopy(_buffer, _start, target, 0, live);
        if (!ReferenceEquals(target, _buffer))
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = target;
        }
        _start = 0;
        _end = live;
    }
}
