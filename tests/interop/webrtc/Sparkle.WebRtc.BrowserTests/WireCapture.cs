using System.Buffers.Binary;
using System.Diagnostics;
using Sparkle.Media.Codecs;
using Sparkle.Media.Rtp;

namespace Sparkle.WebRtc.BrowserTests;

/// <summary>What crosses the loopback interface, captured by tcpdump, and whether a tone can be heard in it without
/// keys. A plain RTP stream carrying a tone decodes to that tone; an SRTP stream decodes to noise. The phones' plain
/// G.711 legs in the same capture are the control that shows the method hears a tone when one is there.</summary>
public sealed class WireCapture : IDisposable
{
    private readonly Process _tcpdump;
    private readonly string _file;

    private WireCapture(Process tcpdump, string file)
    {
        _tcpdump = tcpdump;
        _file = file;
    }

    public static async Task<WireCapture> StartAsync(string folder)
    {
        var file = Path.Combine(folder, $"wire-{DateTime.UtcNow:HHmmssfff}.pcap");
        var tcpdump = Process.Start(new ProcessStartInfo("tcpdump", ["-i", "lo", "-U", "-n", "-w", file, "udp"]) { RedirectStandardError = true })!;
        // tcpdump says "listening on lo" once it captures.
        var ready = new TaskCompletionSource();
        tcpdump.ErrorDataReceived += (_, e) => { if (e.Data?.Contains("listening", StringComparison.Ordinal) == true) { ready.TrySetResult(); } };
        tcpdump.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return new WireCapture(tcpdump, file);
    }

    /// <summary>Stops capturing; the UDP datagrams seen: destination port and payload.</summary>
    public IReadOnlyList<(int Port, byte[] Payload)> Stop()
    {
        using (var kill = Process.Start("kill", ["-INT", _tcpdump.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        _tcpdump.WaitForExit(10_000);
        return ReadUdp(File.ReadAllBytes(_file));
    }

    /// <summary>pcap (microsecond, little-endian) on Linux loopback: Ethernet framing, IPv4, UDP.</summary>
    private static List<(int Port, byte[] Payload)> ReadUdp(byte[] pcap)
    {
        var datagrams = new List<(int, byte[])>();
        var linkType = BinaryPrimitives.ReadUInt32LittleEndian(pcap.AsSpan(20));
        var linkHeader = linkType == 1 ? 14 : 0;
        for (var offset = 24; offset + 16 <= pcap.Length;)
        {
            var captured = (int)BinaryPrimitives.ReadUInt32LittleEndian(pcap.AsSpan(offset + 8));
            var frame = pcap.AsSpan(offset + 16, Math.Min(captured, pcap.Length - offset - 16));
            offset += 16 + captured;
            if (frame.Length < linkHeader + 28 || (frame[linkHeader] >> 4) != 4 || frame[linkHeader + 9] != 17)
            {
                continue;
            }
            var udp = frame[(linkHeader + ((frame[linkHeader] & 0xF) * 4))..];
            datagrams.Add((BinaryPrimitives.ReadUInt16BigEndian(udp[2..]), udp[8..].ToArray()));
        }
        return datagrams;
    }

    /// <summary>How far a tone stands out of what a stream of RTP packets decodes to, in dB: near 0 when the stream is
    /// that tone, far below when it is noise (an encrypted payload decodes to noise, or not at all).</summary>
    public static double ToneProminence(IEnumerable<byte[]> rtpPackets, byte payloadType, int tone)
    {
        var pcm = new List<short>();
        using var opus = new OpusDecoder();
        var frame = new short[5760];
        var rate = payloadType == 0 ? 8000 : 48000;
        foreach (var packet in rtpPackets)
        {
            if (!RtpHeader.TryParse(packet, out var header) || header.PayloadType != payloadType)
            {
                continue;
            }
            var payload = header.Payload(packet);
            if (payloadType == 0)
            {
                foreach (var b in payload)
                {
                    pcm.Add(G711.UlawToLinear(b));
                }
            }
            else
            {
                try
                {
                    var samples = opus.Decode(payload, frame);
                    pcm.AddRange(frame.AsSpan(0, Math.Max(samples, 0)));
                }
                catch (InvalidOperationException)
                {
                    // libopus refused the packet as malformed: nothing decoded.
                }
            }
        }
        if (pcm.Count < rate / 2)
        {
            return -200; // nothing decodable
        }
        var n = pcm.Count;
        var k = Math.Round(n * (double)tone / rate);
        var coefficient = 2 * Math.Cos(2 * Math.PI * k / n);
        double s1 = 0, s2 = 0, energy = 0;
        foreach (var sample in pcm)
        {
            var x = sample / 32768.0;
            energy += x * x;
            var s = x + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s;
        }
        var power = (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
        var toneRms = Math.Sqrt(Math.Max(power, 0) * 2) / n;
        var rms = Math.Sqrt(energy / n);
        return 20 * Math.Log10(Math.Max(toneRms, 1e-12) / Math.Max(rms, 1e-12));
    }

    public void Dispose()
    {
        if (!_tcpdump.HasExited)
        {
            _tcpdump.Kill();
        }
        _tcpdump.Dispose();
    }
}
