using Sparkle.Media.Codecs;
using Sparkle.Media.Recording;
using Sparkle.Video.Codecs;
using Sparkle.Video.Compositing;

namespace Sparkle.Media.Tests.Recording;

/// <summary>The muxer alone, read back with ffprobe.</summary>
public sealed class MediaFileWriterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("media-file-writer-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Writes 3 s of H.264 (a key frame a second) and Opus, in 20 ms audio and 1/15 s video steps.</summary>
    private static void WriteMeeting(MediaFileWriter writer, int seconds, Action<int>? afterVideoFrame = null)
    {
        using var video = new VideoEncoder(new VideoEncoderSettings(VideoCodec.H264, 320, 180));
        using var picture = new I420Frame(320, 180);
        using var opus = new OpusEncoder(48000, expectedLossPercent: 0);
        var packet = new byte[1500];
        var tone = Signal.Sine(440, 48000, 960 * 50 * seconds, 8000);
        var frames = seconds * 15;
        var audioFrame = 0;
        for (var frame = 0; frame < frames; frame++)
        {
            picture.Fill(YuvColor.FromRgb((byte)(frame * 8), 100, 50));
            Assert.True(video.Encode(picture.AsView(), forceKeyFrame: frame % 15 == 0));
            if (frame == 0)
            {
                writer.AddVideo(VideoCodec.H264, 320, 180, video.Output); // SPS/PPS lead the first key frame
                writer.AddOpusAudio(1);
                writer.Begin();
            }
            writer.WriteVideo(video.Output, frame * 6000L, video.OutputIsKeyFrame);
            for (; audioFrame * 20 < (frame + 1) * 1000 / 15; audioFrame++)
            {
                var length = opus.Encode(tone.AsSpan(audioFrame * 960, 960), packet);
                writer.WriteAudio(packet.AsSpan(0, length), audioFrame * 960L, 960);
            }
            afterVideoFrame?.Invoke(frame);
        }
    }

    [Fact]
    public void AFragmentedMp4HoldsH264AndOpusAndPlays()
    {
        var path = Path.Combine(_folder, "meeting.mp4");
        using (var writer = new MediaFileWriter(path, RecordingContainer.FragmentedMp4))
        {
            WriteMeeting(writer, 3);
            writer.Finish();
            Assert.Equal("video/mp4", writer.ContentType);
        }
        var probe = MediaProbe.Probe(path);
        Assert.Equal(("h264", 320, 180), (probe.Video!.CodecName, probe.Video.Width, probe.Video.Height));
        Assert.Equal(("opus", 48000, 1), (probe.Audio!.CodecName, probe.Audio.SampleRate, probe.Audio.Channels));
        Assert.InRange(probe.Duration, 2.9, 3.2);
        Assert.Equal(45, MediaProbe.CountVideoFrames(path, out _));
        Assert.True(Signal.ToneLevel(MediaProbe.DecodeAudio(path), 440, 48000) > 3000);
    }

    [Fact]
    public void AFragmentedMp4CutShortBeforeItsTrailerStillPlaysItsFragments()
    {
        // What a crash leaves (less libavformat's last buffer): the fragments so far, no trailer.
        var path = Path.Combine(_folder, "crashed.mp4");
        var copy = Path.Combine(_folder, "crashed-copy.mp4");
        using (var writer = new MediaFileWriter(path, RecordingContainer.FragmentedMp4))
        {
            // Copy the file as it stands on disk mid-recording, after two full seconds (two fragments).
            WriteMeeting(writer, 3, frame =>
            {
                if (frame == 40)
                {
                    File.Copy(path, copy);
                }
            });
            writer.Finish();
        }
        var frames = MediaProbe.CountVideoFrames(copy, out var errors);
        Assert.True(frames >= 15, $"only {frames} frames play from the cut-short file ({errors})");
        Assert.Equal("opus", MediaProbe.Probe(copy).Audio?.CodecName);
    }

    [Fact]
    public void OggOpusNeedsNoVideoAndTimestampsThatGoBackAreLeftOut()
    {
        var path = Path.Combine(_folder, "voice.opus");
        using var opus = new OpusEncoder(48000, expectedLossPercent: 0);
        var packet = new byte[1500];
        var tone = Signal.Sine(660, 48000, 960, 8000);
        using (var writer = new MediaFileWriter(path, RecordingContainer.OggOpus))
        {
            writer.AddOpusAudio(1);
            writer.Begin();
            for (var i = 0; i < 100; i++)
            {
                var length = opus.Encode(tone, packet);
                writer.WriteAudio(packet.AsSpan(0, length), i * 960L, 960);
                writer.WriteAudio(packet.AsSpan(0, length), i * 960L, 960); // the same timestamp again: ignored
            }
            writer.WriteVideo([0, 0, 0, 1, 0x65], 0, keyFrame: true); // no video stream: ignored
            writer.Finish();
            Assert.Equal("audio/ogg", writer.ContentType);
        }
        var probe = MediaProbe.Probe(path);
        Assert.Equal("opus", Assert.Single(probe.Streams).CodecName);
        Assert.InRange(probe.Duration, 1.95, 2.05);
    }
}
