using System.Text;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Tests.Support;

namespace Sparkle.Sip.Tests.Messages;

/// <summary>Sends every corpus case to a real stack over UDP: each is answered with the expected status
/// or dropped, and the stack still answers afterwards.</summary>
public sealed class MalformedCorpusTests
{
    public static TheoryData<string> CaseNames() =>
        new(MalformedCorpus.Cases().Select(c => c.Name).Concat(MalformedCorpus.ByteCases().Select(c => c.Name)));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task EachCaseIsAnsweredAsExpectedOrDropped(string name)
    {
        await using var stack = TestStack.Start();
        using var client = new RawUdpClient();
        var id = Guid.NewGuid().ToString("N")[..10];
        var port = client.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var template = MalformedCorpus.Template;
        int expected;
        byte[] bytes;
        if (MalformedCorpus.Cases().FirstOrDefault(c => c.Name == name) is { Name: not null } text)
        {
            bytes = Encoding.UTF8.GetBytes(MalformedCorpus.Render(text.Mutate(template), port, id));
            expected = text.Expected;
        }
        else
        {
            var raw = MalformedCorpus.ByteCases().First(c => c.Name == name);
            bytes = raw.Build(MalformedCorpus.Render(template, port, id));
            expected = raw.Expected;
        }
        var server = stack.Transport.UdpEndPoint!.Value.Address;
        var droppedBefore = stack.Transport.Dropped;

        client.Send(bytes, server);

        if (expected == MalformedCorpus.Drop)
        {
            Eventually.True(() => stack.Transport.Dropped > droppedBefore, $"'{name}' should be dropped");
            Assert.Null(client.Receive(TimeSpan.FromMilliseconds(100)));
        }
        else
        {
            var response = client.ReceiveFinal(TimeSpan.FromSeconds(5));
            Assert.NotNull(response);
            Assert.Equal(expected, response.StatusCode);
        }

        // The stack is still alive: a valid request is answered.
        client.Send(Encoding.UTF8.GetBytes(MalformedCorpus.Render(template, port, "probe" + id)), server);
        var probe = client.ReceiveFinal(TimeSpan.FromSeconds(5));
        Assert.Equal(200, probe?.StatusCode);
    }
}
