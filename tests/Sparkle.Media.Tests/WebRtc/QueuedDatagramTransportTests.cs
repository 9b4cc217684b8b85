using Sparkle.Media.WebRtc;

namespace Sparkle.Media.Tests.WebRtc;

public class QueuedDatagramTransportTests
{
    [Theory]
    [InlineData("16fefd000000000000000000020102", true)] // one handshake record, 2 bytes of fragment
    [InlineData("15fefd00010000000000000000" + "17fefd000100000000000100010a", true)] // two records (0 and 1 byte)
    [InlineData("16fefd000000000000000000020102ff", false)] // a byte after the record
    [InlineData("16fefd0000000000000000000301", false)] // the record is cut short
    [InlineData("19fefd00000000000000000000", false)] // tls12_cid: we negotiate no connection ids
    [InlineData("16030300000000000000000000", false)] // a TLS, not DTLS, version
    [InlineData("16fefd", false)]
    [InlineData("", false)]
    public void OnlyWholeDtlsRecordsAreQueued(string hex, bool queued)
    {
        var transport = new QueuedDatagramTransport(_ => { });

        Assert.Equal(queued, transport.Enqueue(Hex.Bytes(hex)));
        Assert.Equal(queued ? 1 : 0, transport.Count);
        Assert.Equal(queued ? 0 : 1, transport.Dropped);
    }

    [Fact]
    public void FullQueueDropsAndAReceiveTimesOutWithMinusOne()
    {
        var transport = new QueuedDatagramTransport(_ => { });
        var record = Hex.Bytes("17fefd000100000000000100010a");
        for (var i = 0; i < QueuedDatagramTransport.Capacity; i++)
        {
            Assert.True(transport.Enqueue(record));
        }

        Assert.False(transport.Enqueue(record));
        Assert.Equal(1, transport.Dropped);
        var buffer = new byte[QueuedDatagramTransport.ReceiveLimit];
        for (var i = 0; i < QueuedDatagramTransport.Capacity; i++)
        {
            Assert.Equal(record.Length, transport.Receive(buffer, 0, buffer.Length, 1));
        }
        Assert.Equal(-1, transport.Receive(buffer, 0, buffer.Length, 1));
    }

    [Fact]
    public async Task AbortWakesABlockedReceiveWithAnError()
    {
        var transport = new QueuedDatagramTransport(_ => { });
        var receiving = Task.Factory.StartNew(() => transport.Receive(new byte[1500], 0, 1500, 0), TaskCreationOptions.LongRunning);

        transport.Abort();

        await Assert.ThrowsAsync<IOException>(() => receiving.WaitAsync(TimeSpan.FromSeconds(20)));
    }
}
