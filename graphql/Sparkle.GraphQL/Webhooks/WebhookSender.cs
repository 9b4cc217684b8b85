using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace Sparkle.GraphQL.Webhooks;

/// <summary>Sends due deliveries, signed, and schedules retries with exponential backoff until the
/// receiver answers 2xx or the attempts run out. Every attempt's outcome is kept in the delivery log.</summary>
public sealed class WebhookSender(WebhookStore store, IHttpClientFactory httpClients, IOptions<WebhookOptions> options, ILogger<WebhookSender> logger)
{
    public const string HttpClientName = "webhooks";
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromHours(1);
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>New deliveries were queued: look now instead of at the next tick.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var due = await store.TakeDueAsync(32, cancellationToken);
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                    async (item, ct) => await SendAsync(item.Delivery, item.Url, item.Secret, ct));
                if (due.Count == 0)
                {
                    await _wake.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(1000, options.Value.RetryBaseMilliseconds)), cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                logger.LogWarning(ex, "Webhook delivery loop: database unavailable; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }

    private async Task SendAsync(WebhookDeliveryRecord delivery, string url, string secret, CancellationToken cancellationToken)
    {
        int? status = null;
        string? error = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Sparkle-Event", delivery.EventType);
            request.Headers.Add("Sparkle-Delivery", delivery.Id.ToString("D"));
            request.Headers.Add(WebhookSigner.Header, WebhookSigner.Sign(secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), delivery.Payload));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.RequestTimeoutSeconds));
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                error = "HTTP " + status.Value.ToString(CultureInfo.InvariantCulture)
                    + ((int)response.StatusCode is >= 300 and < 400 ? " (redirects are not followed)" : "");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            error = Describe(ex);
        }

        var attempts = delivery.Attempts + 1;
        var (state, next) = error is null
            ? (WebhookDeliveryState.Succeeded, DateTimeOffset.UtcNow)
            : attempts >= options.Value.MaxAttempts
                ? (WebhookDeliveryState.Failed, DateTimeOffset.UtcNow)
                : (WebhookDeliveryState.Pending, DateTimeOffset.UtcNow + Backoff(attempts));
        await store.RecordAttemptAsync(delivery.Id, state, status, error, next, cancellationToken);
        if (state == WebhookDeliveryState.Failed)
        {
            logger.LogWarning("Webhook delivery {Delivery} to {Url} failed after {Attempts} attempts: {Error}", delivery.Id, url, attempts, error);
        }
    }

    /// <summary>What the tenant's delivery log says about a failed attempt: the kind of failure, never the
    /// exception's text (addresses, ports and socket errors would make the log a network scanner).</summary>
    internal static string Describe(Exception ex) => ex switch
    {
        OperationCanceledException => "timed out",
        HttpRequestException { InnerException: WebhookAddressRefusedException } => "address not allowed",
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "host name not resolved",
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => "TLS handshake failed",
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "connection failed",
        _ => "request failed",
    };

    /// <summary>base, 2·base, 4·base... capped at an hour.</summary>
    public TimeSpan Backoff(int attemptsSoFar)
    {
        var delay = TimeSpan.FromMilliseconds(options.Value.RetryBaseMilliseconds * Math.Pow(2, attemptsSoFar - 1));
        return delay < s_maxBackoff ? delay : s_maxBackoff;
    }
}
