using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sparkle.Gateway.DialOut;
using Sparkle.Gateway.Tests.Infrastructure;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;

namespace Sparkle.Gateway.Tests.DialOut;

/// <summary>A real baresip in a meeting is moved by the gateway's re-INVITE (ISipGateway.ReinviteAsync, as a meeting
/// grain calls it when a worker dies) and its RTP goes to the new address: the "workers" here are two UDP sockets that
/// count the phone's RTP packets.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ReinviteBaresipTests(GatewayFixture fixture) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("sparkle-reinvite-baresip.").FullName;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();

    private readonly DateTime _started = DateTime.UtcNow;

    private string BaresipSaid() => string.Join("\n", _log.TakeLast(40));

    public void Dispose()
    {
        fixture.Worker.AnswerForRealPhone = null;
        Directory.Delete(_work, recursive: true);
    }

    /// <summary>PCMU at ptime 20 on this socket, as the worker's SDP would say; SRTP (SDES, a fresh key) when the call has it.</summary>
    private static string Sdp(string session, int version, int port, bool srtp) =>
        $"v=0\r\no=worker 4242 {version} IN IP4 127.0.0.1\r\ns={session}\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
        $"m=audio {port} RTP/{(srtp ? "SAVP" : "AVP")} 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n" +
        (srtp ? $"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(30))}\r\n" : "");

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    [InlineData("tls")]
    public async Task BaresipAcceptsTheReInviteAndSendsItsRtpToTheNewWorker(string transport)
    {
        Assert.True(File.Exists("/usr/bin/baresip"), "baresip is not installed (apt-get install baresip)");
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        var owner = Caller.User(tenantId, "1001");
        var meetingId = Guid.NewGuid();
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(meetingId);
        var created = await meeting.CreateAsync(owner, new MeetingSpec("Moved by re-INVITE", []));
        using var oldWorker = new RtpCounter();
        using var newWorker = new RtpCounter();
        var srtp = transport == "tls";
        fixture.Worker.AnswerForRealPhone = _ => Sdp("old worker", 1, oldWorker.Port, srtp);

        var gatewayPort = transport switch
        {
            "udp" => fixture.Gateway.Transport.UdpEndPoint!.Value.Address.Port,
            "tcp" => fixture.Gateway.Transport.TcpEndPoint!.Value.Address.Port,
            _ => fixture.Gateway.Transport.TlsEndPoint!.Value.Address.Port,
        };
        using var baresip = StartBaresip(domain, gatewayPort, transport, created.ConferenceNumber);
        try
        {
            await Eventually.TrueAsync(() => oldWorker.Packets >= 25 || baresip.HasExited || _log.Count > 0 && DateTime.UtcNow > _started.AddSeconds(10), "baresip joins and sends RTP to the first worker");
            Assert.True(oldWorker.Packets >= 25, "baresip sent no RTP; it said:\n" + BaresipSaid());
            var participant = (await meeting.GetAsync(owner))!.Participants.Single();

            var answer = await new GatewayEndpoint(fixture.Gateway.Context).ReinviteAsync(meetingId, participant.ParticipantId,
                Sdp("new worker", 2, newWorker.Port, srtp));

            Assert.NotNull(answer);
            Assert.Contains(srtp ? "RTP/SAVP" : "RTP/AVP", answer);
            Assert.Equal(srtp, answer.Contains("a=crypto:", StringComparison.Ordinal));
            await Eventually.TrueAsync(() => newWorker.Packets >= 5, "baresip's RTP reaches the new worker");
            var oldCount = oldWorker.Packets;
            var newCount = newWorker.Packets;
            await Eventually.TrueAsync(() => newWorker.Packets >= newCount + 50, "a second of audio more at the new worker");
            // Not one packet more to the old worker once the new one had them: the stream moved, it was not copied.
            Assert.Equal(oldCount, oldWorker.Packets);
            // The same RTP stream (SSRC) moved: the phone did not place a new call...
            Assert.Equal(oldWorker.Ssrc, newWorker.Ssrc);
            // ...and the meeting still has that one participant, connected, with the same id.
            var after = (await meeting.GetAsync(owner))!.Participants.Single();
            Assert.Equal(participant.ParticipantId, after.ParticipantId);
            Assert.Equal(CallState.Connected, after.State);
        }
        finally
        {
            if (!baresip.HasExited)
            {
                baresip.Kill();
                await baresip.WaitForExitAsync();
            }
        }
    }

    private Process StartBaresip(string domain, int gatewayPort, string transport, string conferenceNumber)
    {
        var dir = Path.Combine(_work, transport);
        Directory.CreateDirectory(dir);
        // As tests/interop/lib.sh configures it (account.so after srtp.so, net_interface an address), with a sine
        // source so that RTP flows from the start.
        File.WriteAllText(Path.Combine(dir, "config"), """
            poll_method epoll
            sip_listen 127.0.0.1:0
            net_interface 127.0.0.1
            audio_source ausine,440
            audio_player alsa,null
            audio_alert alsa,null
            ausrc_srate 48000
            ausrc_channels 2
            auplay_srate 48000
            auplay_channels 2
            rtp_stats no
            module_path /usr/lib/baresip/modules
            module stdio.so
            module menu.so
            module g711.so
            module ausine.so
            module alsa.so
            module srtp.so
            module account.so
            """.Replace("            ", "", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(dir, "accounts"),
            $"<sip:guest@{domain}>;outbound=\"sip:127.0.0.1:{gatewayPort};transport={transport}\";regint=0" +
            (transport == "tls" ? ";mediaenc=srtp-mand" : "") + "\n");
        var start = new ProcessStartInfo("baresip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in new[] { "-f", dir, "-e", $"/dial sip:{conferenceNumber}@{domain}", "-t", "60" })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start)!;
        // Keep its output (it never blocks on a full pipe, and a failure shows what it said).
        process.OutputDataReceived += (_, e) => _log.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => _log.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>A stand-in worker's RTP port: counts RTP packets and remembers the stream's SSRC.</summary>
    private sealed class RtpCounter : IDisposable
    {
        private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly CancellationTokenSource _stop = new();
        private int _packets;

        public RtpCounter() => _ = ReceiveAsync();

        public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;
        public int Packets => Volatile.Read(ref _packets);
        public uint? Ssrc { get; private set; }

        private async Task ReceiveAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var datagram = await _socket.ReceiveAsync(_stop.Token);
                    var bytes = datagram.Buffer;
                    if (bytes.Length >= 12 && bytes[0] >> 6 == 2 && (bytes[1] & 0x7f) == 0)
                    {
                        Ssrc ??= BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(8));
                        Interlocked.Increment(ref _packets);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // Stopped.
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _socket.Dispose();
        }
    }
}
