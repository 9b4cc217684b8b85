using Sparkle.Video.Compositing;
using static Sparkle.Video.Codecs.Native.NativeStruct;
using static Sparkle.Video.Codecs.Native.VpxNative;

namespace Sparkle.Video.Codecs;

/// <summary>
/// VP8 encoding with libvpx directly: real-time deadline, CBR, no lag, error resilient (receivers
/// may lose packets), fixed speed. The picture's planes are handed over in place, not copied.
/// </summary>
internal sealed unsafe class VpxEncoder : IEncoderBackend
{
    /// <summary>Negative: fixed speed; 6 is the usual real-time setting for conferencing.</summary>
    private const int CpuUsed = -6;

    private nint _context;
    private nint _config;
    private nint _image;
    private byte[] _output = new byte[64 * 1024];
    private int _outputLength;
    private long _pts;

    public VpxEncoder(VideoEncoderSettings settings)
    {
        var iface = vpx_codec_vp8_cx();
        _config = AllocZeroed(EncoderConfigSize);
        Check(vpx_codec_enc_config_default(iface, _config, 0), "vpx_codec_enc_config_default");
        Write(_config, ConfigThreads, (uint)settings.Threads);
        Write(_config, ConfigWidth, (uint)settings.Width);
        Write(_config, ConfigHeight, (uint)settings.Height);
        Write(_config, ConfigTimeBase, 1);
        Write(_config, ConfigTimeBase + 4, settings.FramesPerSecond);
        Write(_config, ConfigErrorResilient, 1u);
        Write(_config, ConfigLagInFrames, 0u);
        Write(_config, ConfigDropFrameThreshold, 0u);
        Write(_config, ConfigEndUsage, RateControlCbr);
        Write(_config, ConfigTargetBitrate, (uint)settings.BitrateKbps);
        Write(_config, ConfigMinQuantizer, 4u);
        Write(_config, ConfigMaxQuantizer, 56u);
        Write(_config, ConfigBufferSize, 1000u);
        Write(_config, ConfigBufferInitialSize, 500u);
        Write(_config, ConfigBufferOptimalSize, 600u);
        Write(_config, ConfigKeyFrameMaxDistance, (uint)settings.KeyFrameInterval);

        _context = AllocZeroed(ContextSize);
        var result = vpx_codec_enc_init_ver(_context, iface, _config, 0, EncoderAbiVersion);
        if (result != 0)
        {
            Free(ref _context); // not initialised: nothing to destroy
            Dispose();
            throw new InvalidOperationException($"vpx_codec_enc_init_ver: {ErrorText(result)}");
        }

        Check(vpx_codec_control_(_context, ControlCpuUsed, CpuUsed), "VP8E_SET_CPUUSED");

        // vpx_img_wrap only does pointer arithmetic on the data pointer; the real planes and
        // strides are written before every encode.
        _image = AllocZeroed(ImageSize);
        if (vpx_img_wrap(_image, ImageFormatI420, (uint)settings.Width, (uint)settings.Height, 1, (byte*)_image) == 0)
        {
            Dispose();
            throw new InvalidOperationException("vpx_img_wrap failed.");
        }
    }

    public ReadOnlySpan<byte> Output => _output.AsSpan(0, _outputLength);

    public bool OutputIsKeyFrame { get; private set; }

    public bool Encode(in I420View picture, bool forceKeyFrame)
    {
        int result;
        fixed (byte* y = picture.Y, u = picture.U, v = picture.V)
        {
            Write(_image, ImagePlanes, (nint)y);
            Write(_image, ImagePlanes + 8, (nint)u);
            Write(_image, ImagePlanes + 16, (nint)v);
            Write(_image, ImageStrides, picture.StrideY);
            Write(_image, ImageStrides + 4, picture.StrideUv);
            Write(_image, ImageStrides + 8, picture.StrideUv);
            result = vpx_codec_encode(_context, _image, _pts++, 1, forceKeyFrame ? EncodeFlagForceKeyFrame : 0, DeadlineRealtime);
            Write(_image, ImagePlanes, (nint)0);
            Write(_image, ImagePlanes + 8, (nint)0);
            Write(_image, ImagePlanes + 16, (nint)0);
        }

        Check(result, "vpx_codec_encode");
        _outputLength = 0;
        OutputIsKeyFrame = false;
        nint iterator = 0;
        nint packet;
        while ((packet = vpx_codec_get_cx_data(_context, &iterator)) != 0)
        {
            if (Read<int>(packet, PacketKind) != PacketKindFrame)
            {
                continue;
            }

            var size = (int)Read<nuint>(packet, PacketSize);
            if (_outputLength + size > _output.Length)
            {
                Array.Resize(ref _output, Math.Max(_output.Length * 2, _outputLength + size));
            }

            new ReadOnlySpan<byte>((void*)Read<nint>(packet, PacketBuffer), size).CopyTo(_output.AsSpan(_outputLength));
            _outputLength += size;
            OutputIsKeyFrame |= (Read<uint>(packet, PacketFlags) & FrameFlagKey) != 0;
        }

        return _outputLength > 0;
    }

    public void Dispose()
    {
        if (_context != 0)
        {
            vpx_codec_destroy(_context);
            Free(ref _context);
        }

        Free(ref _config);
        Free(ref _image);
    }

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"{call}: {ErrorText(result)}");
        }
    }
}
