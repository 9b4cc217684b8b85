using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Sparkle.MediaWorker.Recording;

namespace Sparkle.Media.Tests.Recording;

/// <summary>A worker's recording folders are its own, and what a dead run left unsealed is removed at the next start.</summary>
public sealed class RecordingFolderLeaseTests : IDisposable
{
    private readonly string _spool = Directory.CreateTempSubdirectory("sparkle-lease-").FullName;

    [Fact]
    public void TakingTheFoldersRemovesADeadRunsUnsealedFilesAndKeepsTheUploadSpool()
    {
        var work = Path.Combine(_spool, "incomplete");
        var sealing = Path.Combine(_spool, "sealing");
        var upload = Path.Combine(_spool, "upload");
        foreach (var folder in new[] { work, Path.Combine(work, "utterances"), sealing, upload })
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllBytes(Path.Combine(work, "part-3.ogg"), [0x4f, 0x67, 0x67, 0x53]);
        File.WriteAllBytes(Path.Combine(work, "utterances", "u.ogg"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(sealing, "x.sealed"), [4]);
        File.WriteAllBytes(Path.Combine(upload, "y.sealed"), [5]);

        using var lease = RecordingFolderLease.Take(_spool, [work, sealing], NullLogger.Instance);

        Assert.Equal(3, lease.RemovedLeftovers);
        Assert.Empty(Directory.EnumerateFiles(work, "*", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(sealing));
        Assert.True(File.Exists(Path.Combine(upload, "y.sealed")));
    }

    [Fact]
    public void ASecondWorkerOnTheSameSpoolIsRefusedUntilTheFirstHasGone()
    {
        var first = RecordingFolderLease.Take(_spool, [], NullLogger.Instance);
        var refused = Assert.Throws<InvalidOperationException>(() => RecordingFolderLease.Take(_spool, [], NullLogger.Instance));
        Assert.Contains("in use by another media worker", refused.Message);
        // Another process sees the lock too (flock(1) uses the same advisory lock).
        Assert.NotEqual(0, FlockExitCode(Path.Combine(_spool, ".worker.lock")));

        first.Dispose();
        Assert.Equal(0, FlockExitCode(Path.Combine(_spool, ".worker.lock")));
        RecordingFolderLease.Take(_spool, [], NullLogger.Instance).Dispose();
    }

    private static int FlockExitCode(string path)
    {
        using var flock = Process.Start(new ProcessStartInfo("flock", ["-n", path, "true"]) { RedirectStandardError = true })!;
        flock.WaitForExit();
        return flock.ExitCode;
    }

    public void Dispose() => Directory.Delete(_spool, recursive: true);
}
