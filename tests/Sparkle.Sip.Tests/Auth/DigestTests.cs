using Sparkle.Sip.Auth;
using Sparkle.Sip.Messages;
using Sparkle.Sip.Tests.Support;

namespace Sparkle.Sip.Tests.Auth;

public sealed class DigestTests
{
    // RFC 7616 §3.9.1: Mufasa / "Circle of Life" / http-auth@example.org.
    private const string Nonce7616 = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private const string Cnonce7616 = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    [Theory]
    [InlineData("MD5", "8ca523f5e9506fed4657c9700eebdbec")]
    [InlineData("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    public void MatchesRfc7616Examples(string algorithm, string expected)
    {
        var ha1 = DigestAlgorithm.Ha1(algorithm, "Mufasa", "http-auth@example.org", "Circle of Life");
        var response = DigestAlgorithm.Response(algorithm, ha1, "GET", "/dir/index.html", Nonce7616, "auth", "00000001", Cnonce7616);
        Assert.Equal(expected, response);
    }

    [Fact]
    public void MatchesRfc2617Example()
    {
        var ha1 = DigestAlgorithm.Ha1("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life");
        var response = DigestAlgorithm.Response("MD5", ha1, "GET", "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            "auth", "00000001", "0a4f113b");
        Assert.Equal("6629fae49393a05397450978507c4ef1", response);
    }

    private static (SipRequest Request, SipResponse Challenge) Challenged(DigestServer server, string realm)
    {
        var request = Support.Messages.ParseRequest(Support.Messages.Invite(method: "REGISTER", body: ""));
        var challenge = request.CreateResponse(401, toTag: "t");
        server.Challenge(challenge, realm);
        return (request, challenge);
    }

    [Fact]
    public void ChallengeOffersSha256BeforeMd5WithQopAuth()
    {
        var (_, challenge) = Challenged(new DigestServer(), "tenant.example");
        var lines = challenge.Headers.GetLines(HeaderNames.WwwAuthenticate).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains("algorithm=SHA-256", lines[0]);
        Assert.Contains("algorithm=MD5", lines[1]);
        Assert.All(lines, l => Assert.Contains("qop=\"auth\"", l));
        Assert.All(lines, l => Assert.Contains("realm=\"tenant.example\"", l));
    }

    [Theory]
    [InlineData("SHA-256")]
    [InlineData("MD5")]
    public void ClientAnswerVerifiesAgainstStoredHa1Only(string algorithm)
    {
        var server = new DigestServer();
        var (request, challenge) = Challenged(server, "tenant.example");
        var offered = challenge.Headers.GetLines(HeaderNames.WwwAuthenticate)
            .Select(l => { DigestCredentialsHeader.TryParse(l, out var c); return c!; })
            .Single(c => c.Algorithm == algorithm);
        request.Headers.Add(HeaderNames.Authorization,
            DigestClient.Authorize(offered, "REGISTER", "sip:tenant.example", "1001", "pw1001"));

        var stored = new Dictionary<string, string>
        {
            ["MD5"] = DigestAlgorithm.Ha1("MD5", "1001", "tenant.example", "pw1001"),
            ["SHA-256"] = DigestAlgorithm.Ha1("SHA-256", "1001", "tenant.example", "pw1001"),
        };
        var credentials = DigestServer.FindCredentials(request, "tenant.example");
        Assert.Equal(DigestVerdict.Valid, server.Verify(request, credentials, "tenant.example", a => stored[a]));

        var wrong = new Dictionary<string, string>
        {
            ["MD5"] = DigestAlgorithm.Ha1("MD5", "1001", "tenant.example", "other"),
            ["SHA-256"] = DigestAlgorithm.Ha1("SHA-256", "1001", "tenant.example", "other"),
        };
        Assert.Equal(DigestVerdict.Invalid, server.Verify(request, credentials, "tenant.example", a => wrong[a]));
    }

    [Fact]
    public void ForgedOrForeignNoncesAreInvalidAndOldOnesStale()
    {
        var time = new ManualTimeProvider();
        var server = new DigestServer(key: new byte[32], nonceLifetime: TimeSpan.FromMinutes(5), time: time);
        var nonce = server.CreateNonce("tenant.example");
        Assert.Equal(DigestVerdict.Valid, server.CheckNonce(nonce, "tenant.example"));
        Assert.Equal(DigestVerdict.Invalid, server.CheckNonce(nonce, "other.example"));
        var forged = (nonce[0] == 'A' ? "B" : "A") + nonce[1..];
        Assert.Equal(DigestVerdict.Invalid, server.CheckNonce(forged, "tenant.example"));
        Assert.Equal(DigestVerdict.Invalid, new DigestServer(key: Enumerable.Repeat((byte)1, 32).ToArray(), time: time).CheckNonce(nonce, "tenant.example"));
        Assert.Equal(DigestVerdict.Invalid, server.CheckNonce("short", "tenant.example"));
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(DigestVerdict.Stale, server.CheckNonce(nonce, "tenant.example"));
    }

    [Fact]
    public void MissingCredentialsAreReportedAsMissing()
    {
        var request = Support.Messages.ParseRequest(Support.Messages.Invite(method: "REGISTER", body: ""));
        Assert.Equal(DigestVerdict.Missing, new DigestServer().Verify(request, DigestServer.FindCredentials(request, "x"), "x", _ => "0"));
    }

    [Fact]
    public void ClientPrefersSha256WhenBothAreOffered()
    {
        var (_, challenge) = Challenged(new DigestServer(), "tenant.example");
        Assert.Equal("SHA-256", DigestClient.PickChallenge(challenge)!.Algorithm);
    }

    private static readonly Dictionary<string, string> s_stored = new()
    {
        ["MD5"] = DigestAlgorithm.Ha1("MD5", "1001", "tenant.example", "pw1001"),
        ["SHA-256"] = DigestAlgorithm.Ha1("SHA-256", "1001", "tenant.example", "pw1001"),
    };

    private static SipRequest Answered(DigestCredentialsHeader challenge, int nc, string callId = "a@b")
    {
        var request = Support.Messages.ParseRequest(Support.Messages.Invite(method: "REGISTER", body: "", callId: callId));
        request.Headers.Add(HeaderNames.Authorization,
            DigestClient.Authorize(challenge, "REGISTER", "sip:tenant.example", "1001", "pw1001", nonceCount: nc));
        return request;
    }

    private static DigestVerdict Check(DigestServer server, SipRequest request) =>
        server.Verify(request, DigestServer.FindCredentials(request, "tenant.example"), "tenant.example", a => s_stored[a]);

    [Fact]
    public void ReplayedAuthorizationIsStaleEvenWithANewCallId()
    {
        var server = new DigestServer();
        var (_, challenge) = Challenged(server, "tenant.example");
        var offered = DigestClient.PickChallenge(challenge)!;
        var original = Answered(offered, nc: 1);
        Assert.Equal(DigestVerdict.Valid, Check(server, original));

        var replay = Support.Messages.ParseRequest(Support.Messages.Invite(method: "REGISTER", body: "", callId: "attacker@elsewhere"));
        replay.Headers.Add(HeaderNames.Authorization, original.Headers.Get(HeaderNames.Authorization)!);
        Assert.Equal(DigestVerdict.Stale, Check(server, replay));
        Assert.Equal(DigestVerdict.Stale, Check(server, original));
    }

    [Fact]
    public void RefreshWithTheSameNonceAndAHigherCountPasses()
    {
        var server = new DigestServer();
        var (_, challenge) = Challenged(server, "tenant.example");
        var offered = DigestClient.PickChallenge(challenge)!;
        Assert.Equal(DigestVerdict.Valid, Check(server, Answered(offered, nc: 1)));
        Assert.Equal(DigestVerdict.Valid, Check(server, Answered(offered, nc: 2)));
        // Slightly out of order (two requests in flight), each count once.
        Assert.Equal(DigestVerdict.Valid, Check(server, Answered(offered, nc: 5)));
        Assert.Equal(DigestVerdict.Valid, Check(server, Answered(offered, nc: 4)));
        Assert.Equal(DigestVerdict.Stale, Check(server, Answered(offered, nc: 4)));
        Assert.Equal(DigestVerdict.Stale, Check(server, Answered(offered, nc: 2)));
        Assert.Equal(DigestVerdict.Valid, Check(server, Answered(offered, nc: 100)));
        // Far behind the highest count: refused.
        Assert.Equal(DigestVerdict.Stale, Check(server, Answered(offered, nc: 3)));
    }

    [Fact]
    public void WrongResponsesDoNotConsumeTheCount()
    {
        var server = new DigestServer();
        var (_, challenge) = Challenged(server, "tenant.example");
        var request = Answered(DigestClient.PickChallenge(challenge)!, nc: 1);
        var wrong = new Dictionary<string, string> { ["MD5"] = "0", ["SHA-256"] = "0" };
        Assert.Equal(DigestVerdict.Invalid, server.Verify(request, DigestServer.FindCredentials(request, "tenant.example"), "tenant.example", a => wrong[a]));
        Assert.Equal(DigestVerdict.Valid, Check(server, request));
    }

    [Fact]
    public void AFullCounterRefusesDroppedNoncesRatherThanForgettingThem()
    {
        var time = new ManualTimeProvider();
        var server = new DigestServer(time: time, counts: new NonceCounter(capacity: 2));
        var offers = new List<DigestCredentialsHeader>();
        for (var i = 0; i < 3; i++)
        {
            offers.Add(DigestClient.PickChallenge(Challenged(server, "tenant.example").Challenge)!);
            time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(DigestVerdict.Valid, Check(server, Answered(offers[0], nc: 1)));
        Assert.Equal(DigestVerdict.Valid, Check(server, Answered(offers[1], nc: 1)));
        Assert.Equal(DigestVerdict.Valid, Check(server, Answered(offers[2], nc: 1)));
        // offers[0] was dropped to make room: its replay is refused, not forgotten.
        Assert.Equal(DigestVerdict.Stale, Check(server, Answered(offers[0], nc: 1)));
        Assert.Equal(DigestVerdict.Stale, Check(server, Answered(offers[2], nc: 1)));
    }

    [Fact]
    public void WithoutQopANonceIsGoodForOneRequest()
    {
        var server = new DigestServer();
        var nonce = server.CreateNonce("tenant.example");
        var ha1 = s_stored["MD5"];
        var response = DigestAlgorithm.Response("MD5", ha1, "REGISTER", "sip:tenant.example", nonce, null, null, null);
        var request = Support.Messages.ParseRequest(Support.Messages.Invite(method: "REGISTER", body: ""));
        request.Headers.Add(HeaderNames.Authorization,
            $"Digest username=\"1001\", realm=\"tenant.example\", nonce=\"{nonce}\", uri=\"sip:tenant.example\", response=\"{response}\", algorithm=MD5");
        Assert.Equal(DigestVerdict.Valid, Check(server, request));
        Assert.Equal(DigestVerdict.Stale, Check(server, request));
    }
}
