using Microsoft.Extensions.Logging;

namespace Sparkle.MediaWorker.Recording;

/// <summary>This process's hold on its recording folders. One worker per spool: a second process on the same
/// folders would upload, seal or delete the first one's files, so it is refused at start with a clear error.
/// Holding the folders, the worker removes what a previous run of it left in the work and sealing folders when it
/// died (killed or crashed): files it was recording or sealing, still plaintext, which nobody will ever seal (their
/// data keys lived only in that process). Finished sealed files wait in the upload spool and are not touched.</summary>
public sealed class RecordingFolderLease : IDisposable
{
    private readonly FileStream _lock;

    private RecordingFolderLease(FileStream held) => _lock = held;

    /// <summary>Files removed when the lease was taken (left by a run that died).</summary>
    public int RemovedLeftovers { get; private init; }

    /// <summary>Takes the spool folder for this process (an exclusive lock on a file in it, released when the
    /// process dies) and clears <paramref name="leftoverFolders"/>.</summary>
    /// <exception cref="InvalidOperationException">Another process holds the folder.</exception>
    public static RecordingFolderLease Take(string spoolFolder, IEnumerable<string> leftoverFolders, ILogger logger)
    {
        Directory.CreateDirectory(spoolFolder);
        var lockPath = Path.Combine(spoolFolder, ".worker.lock");
        FileStream held;
        try
        {
            // FileShare.None is an exclusive flock on Linux: held by one process at a time, dropped with the process.
            held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(
                $"The recording spool folder {spoolFolder} is in use by another media worker; give each worker its own (Media:Recording:SpoolFolder).", e);
        }

        var removed = 0;
        foreach (var folder in leftoverFolders.Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                try
                {
                    File.Delete(file);
                    removed++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    logger.LogWarning(e, "Could not remove {File}, left by a previous run", file);
                }
            }
        }

        if (removed > 0)
        {
            logger.LogWarning(
                "Removed {Count} unsealed recording files left by a previous run of this worker that stopped while recording; "
                + "what they held is lost (sealed parts and utterances are kept in the upload spool)", removed);
        }

        return new RecordingFolderLease(held) { RemovedLeftovers = removed };
    }

    public void Dispose() => _lock.Dispose();
}
