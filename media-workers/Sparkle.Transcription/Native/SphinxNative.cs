using System.Runtime.InteropServices;

namespace Sparkle.Transcription.Native;

/// <summary>The PocketSphinx 5prealpha entry points the engine uses (Debian packages libpocketsphinx3 and
/// libsphinxbase3). Signatures from pocketsphinx.h, cmd_ln.h, err.h and logmath.h of that release;
/// int32 is int, int16 is short.</summary>
internal static unsafe partial class SphinxNative
{
    private const string PocketSphinx = "libpocketsphinx.so.3";
    private const string SphinxBase = "libsphinxbase.so.3";

    // cmd_ln_t *cmd_ln_parse_r(cmd_ln_t *inout, arg_t const *defn, int32 argc, char *argv[], int32 strict)
    // (cmd_ln_init is variadic, hence the argv form.) The argv strings must outlive the cmd_ln_t.
    [LibraryImport(SphinxBase, EntryPoint = "cmd_ln_parse_r")]
    public static partial IntPtr CmdLnParse(IntPtr inout, IntPtr definitions, int argc, IntPtr* argv, int strict);

    [LibraryImport(SphinxBase, EntryPoint = "cmd_ln_free_r")]
    public static partial int CmdLnFree(IntPtr config);

    // void err_set_logfp(FILE *stream): NULL disables sphinxbase's logging process-wide.
    [LibraryImport(SphinxBase, EntryPoint = "err_set_logfp")]
    public static partial void ErrSetLogFile(IntPtr stream);

    [LibraryImport(SphinxBase, EntryPoint = "logmath_exp")]
    public static partial double LogMathExp(IntPtr logMath, int logValue);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_args")]
    public static partial IntPtr Args();

    [LibraryImport(PocketSphinx, EntryPoint = "ps_init")]
    public static partial IntPtr Init(IntPtr config);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_free")]
    public static partial int Free(IntPtr decoder);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_get_logmath")]
    public static partial IntPtr GetLogMath(IntPtr decoder);

    // Resets the per-stream channel state (noise level, frame counter) that ps_start_utt keeps.
    [LibraryImport(PocketSphinx, EntryPoint = "ps_start_stream")]
    public static partial int StartStream(IntPtr decoder);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_start_utt")]
    public static partial int StartUtterance(IntPtr decoder);

    // int ps_process_raw(ps_decoder_t *ps, int16 const *data, size_t n_samples, int no_search, int full_utt)
    [LibraryImport(PocketSphinx, EntryPoint = "ps_process_raw")]
    public static partial int ProcessRaw(IntPtr decoder, short* data, nuint samples, int noSearch, int fullUtterance);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_end_utt")]
    public static partial int EndUtterance(IntPtr decoder);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_get_n_frames")]
    public static partial int GetFrameCount(IntPtr decoder);

    // char const *ps_get_hyp(ps_decoder_t *ps, int32 *out_best_score): owned by the decoder.
    [LibraryImport(PocketSphinx, EntryPoint = "ps_get_hyp")]
    public static partial IntPtr GetHypothesis(IntPtr decoder, out int bestScore);

    // int32 ps_get_prob(ps_decoder_t *ps): log posterior of the best path (-bestpath yes), logmath base.
    [LibraryImport(PocketSphinx, EntryPoint = "ps_get_prob")]
    public static partial int GetProbability(IntPtr decoder);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_seg_iter")]
    public static partial IntPtr SegmentIterator(IntPtr decoder);

    // Returns NULL at the end, having freed the iterator.
    [LibraryImport(PocketSphinx, EntryPoint = "ps_seg_next")]
    public static partial IntPtr SegmentNext(IntPtr segment);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_seg_word")]
    public static partial IntPtr SegmentWord(IntPtr segment);

    // Inclusive start and end frame (100 frames per second).
    [LibraryImport(PocketSphinx, EntryPoint = "ps_seg_frames")]
    public static partial void SegmentFrames(IntPtr segment, out int startFrame, out int endFrame);

    // int32 ps_seg_prob(ps_seg_t *seg, int32 *out_ascr, int32 *out_lscr, int32 *out_lback): log posterior.
    [LibraryImport(PocketSphinx, EntryPoint = "ps_seg_prob")]
    public static partial int SegmentProbability(IntPtr segment, out int acoustic, out int language, out int backoff);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_seg_free")]
    public static partial void SegmentFree(IntPtr segment);
}
