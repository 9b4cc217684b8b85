using System.Text;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Tests.Support;

namespace Sparkle.Sip.Tests.Messages;

public sealed class SipParserTests
{
    [Fact]
    public void ParsesRequestWithMandatoryHeadersAndBody()
    {
        var request = Support.Messages.ParseRequest(Support.Messages.Invite());

        Assert.Equal("INVITE", request.Method);
        Assert.Equal("factory", request.RequestUri.User);
        Assert.Equal("tenant.example", request.RequestUri.Host);
        Assert.Equal("a84b4c76e66710@pc33.atlanta.com", request.CallId);
        Assert.Equal(new CSeqHeader(314159, "INVITE"), request.CSeq);
        Assert.Equal("z9hG4bK776asdhds", request.TopVia!.Branch);
        Assert.Equal("127.0.0.1:5070", request.TopVia.SentBy);
        Assert.Equal("1928301774", request.FromTag);
        Assert.Equal("Alice", request.From!.DisplayName);
        Assert.Null(request.ToTag);
        Assert.Equal(70, request.MaxForwards);
        Assert.StartsWith("v=0", request.BodyText);
    }

    [Fact]
    public void CompactFormsFoldingAndCaseAreTolerated()
    {
        const string text =
            "OPTIONS sip:factory@tenant.example SIP/2.0\r\n" +
            "v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc\r\n" +
            "max-forwards: 70\r\n" +
            "t: <sip:factory@tenant.example>\r\n" +
            "f: <sip:1001@tenant.example>\r\n" +
            " ;tag=abc\r\n" +
            "i: call-1\r\n" +
            "CSEQ:   7\r\n\t OPTIONS\r\n" +
            "SUBJECT : folded\r\n  across lines\r\n" +
            "l: 0\r\n\r\n";
        var result = SipParser.ParseDatagram(Encoding.UTF8.GetBytes(text));

        Assert.Equal(SipParseStatus.Complete, result.Status);
        var request = (SipRequest)result.Message!;
        Assert.Equal("call-1", request.CallId);
        Assert.Equal("abc", request.FromTag);
        Assert.Equal(new CSeqHeader(7, "OPTIONS"), request.CSeq);
        Assert.Equal("folded across lines", request.Headers.Get("Subject"));
        Assert.Equal("z9hG4bKabc", request.TopVia!.Branch);
    }

    [Fact]
    public void EveryTruncatedPrefixOfAStreamMessageIsIncomplete()
    {
        var bytes = Encoding.UTF8.GetBytes(Support.Messages.Invite());
        for (var length = 0; length < bytes.Length; length++)
        {
            var result = SipParser.ParseStream(bytes.AsSpan(0, length));
            Assert.True(result.Status == SipParseStatus.Incomplete, $"prefix of {length} bytes gave {result.Status}: {result.Error}");
            Assert.Equal(0, result.Consumed);
        }
        var whole = SipParser.ParseStream(bytes);
        Assert.Equal(SipParseStatus.Complete, whole.Status);
        Assert.Equal(bytes.Length, whole.Consumed);
    }

    [Fact]
    public void FramerSplitsPipelinedMessagesFedOneByteAtATime()
    {
        var stream = Encoding.UTF8.GetBytes("\r\n\r\n" + Support.Messages.Invite(cseq: 1) + Support.Messages.Invite(cseq: 2, method: "OPTIONS", body: ""));
        using var framer = new SipStreamFramer();
        var messages = new List<SipMessage>();
        foreach (var b in stream)
        {
            framer.Append([b]);
            while (framer.Next() is { Status: not SipParseStatus.Incomplete } r)
            {
                Assert.Equal(SipParseStatus.Complete, r.Status);
                messages.Add(r.Message!);
            }
        }
        Assert.Equal(2, messages.Count);
        Assert.Equal(1u, messages[0].CSeq!.Value.Number);
        Assert.Equal("OPTIONS", ((SipRequest)messages[1]).Method);
    }

    [Fact]
    public void StreamWithoutContentLengthIsInvalidAndBreaksTheFramer()
    {
        var text = Support.Messages.Invite(body: "").Replace("Content-Length: 0\r\n", "");
        using var framer = new SipStreamFramer();
        framer.Append(Encoding.UTF8.GetBytes(text));
        var result = framer.Next();
        Assert.Equal(SipParseStatus.Invalid, result.Status);
        Assert.True(framer.Broken);
    }

    [Theory]
    [InlineData("Call-ID: a84b4c76e66710@pc33.atlanta.com\r\n", "Call-ID: other@attacker\r\n")]
    [InlineData("CSeq: 314159 INVITE\r\n", "CSeq: 1 INVITE\r\n")]
    [InlineData("Max-Forwards: 70\r\n", "Max-Forwards: 1\r\n")]
    [InlineData("Contact: <sip:1001@127.0.0.1:5070>\r\n", "i: second@attacker\r\n")]
    public void ConflictingDuplicateSingleValueHeadersAreA400(string existing, string extra)
    {
        var text = Support.Messages.Invite().Replace(existing, existing + extra);
        Assert.Contains(extra, text);
        var result = SipParser.ParseDatagram(Encoding.UTF8.GetBytes(text));
        Assert.Equal(SipParseStatus.Invalid, result.Status);
        Assert.Equal(400, result.ErrorStatusCode);
    }

    [Fact]
    public void DatagramBodyIsShortenedToContentLength()
    {
        var text = Support.Messages.Invite(body: "").Replace("Content-Length: 0", "Content-Length: 3") + "abcdef";
        var result = SipParser.ParseDatagram(Encoding.UTF8.GetBytes(text));
        Assert.Equal(SipParseStatus.Complete, result.Status);
        Assert.Equal("abc", result.Message!.BodyText);
    }

    [Fact]
    public void SerializedMessageParsesBackToTheSameHeaders()
    {
        var request = Support.Messages.ParseRequest(Support.Messages.Invite());
        var again = Support.Messages.ParseRequest(Encoding.UTF8.GetString(request.ToBytes()));
        Assert.Equal(request.Headers.Select(h => (h.Name, h.Value)), again.Headers.Select(h => (h.Name, h.Value)));
        Assert.Equal(request.Body, again.Body);
    }

    [Fact]
    public void ResponseCopiesTransactionHeadersAndAddsToTag()
    {
        var request = Support.Messages.ParseRequest(Support.Messages.Invite());
        var response = request.CreateResponse(200, toTag: "xyz");
        Assert.Equal("xyz", response.ToTag);
        Assert.Equal(request.CallId, response.CallId);
        Assert.Equal(request.TopVia!.Branch, response.TopVia!.Branch);
        var parsed = SipParser.ParseDatagram(response.ToBytes());
        Assert.Equal(SipParseStatus.Complete, parsed.Status);
        Assert.Equal(200, ((SipResponse)parsed.Message!).StatusCode);
    }

    [Fact]
    public void ResponseWithVersionOtherThan2IsRejected()
    {
        var text = "SIP/3.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        Assert.Equal(SipParseStatus.Invalid, SipParser.ParseDatagram(Encoding.UTF8.GetBytes(text)).Status);
    }
}
