namespace Sparkle.GraphQL.Hosting;

/// <summary>The API may start before the silo (run.sh starts everything at once): keep trying to connect
/// instead of failing the host.</summary>
internal sealed class ClusterConnectionRetryFilter(ILogger<ClusterConnectionRetryFilter> logger) : Orleans.IClientConnectionRetryFilter
{
    private int _attempt;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        _attempt++;
        if (_attempt == 1 || _attempt % 10 == 0)
        {
            logger.LogWarning("Cluster not reachable yet (attempt {Attempt}): {Message}", _attempt, exception.Message);
        }
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        return !cancellationToken.IsCancellationRequested;
    }
}
