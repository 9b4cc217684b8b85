using Npgsql;
using NpgsqlTypes;

namespace Sparkle.GraphQL.Webhooks;

/// <summary>Webhooks, their delivery log and the per-meeting event cursors, in the cluster's PostgreSQL
/// database (tables owned by the API host, created on first use). Rows carry the Orleans service id so
/// several deployments may share one database.</summary>
public sealed class WebhookStore(NpgsqlDataSource dataSource, string serviceId) : IAsyncDisposable
{
    private const string Schema = """
        SELECT pg_advisory_xact_lock(7410061);
        CREATE TABLE IF NOT EXISTS sparkle_webhooks (
            id uuid PRIMARY KEY,
            service_id text NOT NULL,
            tenant_id uuid NOT NULL,
            url text NOT NULL,
            secret text NOT NULL,
            events text[] NOT NULL,
            created_at timestamptz NOT NULL,
            deleted boolean NOT NULL DEFAULT false);
        CREATE INDEX IF NOT EXISTS sparkle_webhooks_tenant ON sparkle_webhooks (service_id, tenant_id) WHERE NOT deleted;
        CREATE TABLE IF NOT EXISTS sparkle_webhook_deliveries (
            id uuid PRIMARY KEY,
            service_id text NOT NULL,
            webhook_id uuid NOT NULL REFERENCES sparkle_webhooks (id),
            tenant_id uuid NOT NULL,
            event_type text NOT NULL,
            payload text NOT NULL,
            state smallint NOT NULL,
            attempts integer NOT NULL DEFAULT 0,
            last_status integer,
            last_error text,
            created_at timestamptz NOT NULL,
            delivered_at timestamptz,
            next_attempt_at timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS sparkle_webhook_deliveries_due ON sparkle_webhook_deliveries (service_id, next_attempt_at) WHERE state = 0;
        CREATE INDEX IF NOT EXISTS sparkle_webhook_deliveries_log ON sparkle_webhook_deliveries (webhook_id, created_at DESC);
        CREATE TABLE IF NOT EXISTS sparkle_webhook_cursors (
            service_id text NOT NULL,
            meeting_id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            version bigint NOT NULL,
            PRIMARY KEY (service_id, meeting_id));
        """;

    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private bool _schemaReady;

    public string ServiceId => serviceId;

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        if (_schemaReady)
        {
            return;
        }
        await _schemaGate.WaitAsync(cancellationToken);
        try
        {
            if (!_schemaReady)
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var command = new NpgsqlCommand(Schema, connection, transaction))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
                await transaction.CommitAsync(cancellationToken);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    public async Task<WebhookRecord> CreateAsync(Guid tenantId, string url, IReadOnlyList<string> events, string secret)
    {
        await EnsureSchemaAsync();
        var record = new WebhookRecord(Guid.NewGuid(), tenantId, url, events, DateTimeOffset.UtcNow) { Secret = secret };
        await using var command = dataSource.CreateCommand(
            "INSERT INTO sparkle_webhooks (id, service_id, tenant_id, url, secret, events, created_at) VALUES (@id, @s, @t, @url, @secret, @events, @at)");
        command.Parameters.AddWithValue("id", record.Id);
        command.Parameters.AddWithValue("s", serviceId);
        command.Parameters.AddWithValue("t", tenantId);
        command.Parameters.AddWithValue("url", url);
        command.Parameters.AddWithValue("secret", secret);
        command.Parameters.AddWithValue("events", events.ToArray());
        command.Parameters.AddWithValue("at", record.CreatedAt);
        await command.ExecuteNonQueryAsync();
        return record;
    }

    public async Task<bool> DeleteAsync(Guid tenantId, Guid id)
    {
        await EnsureSchemaAsync();
        await using var command = dataSource.CreateCommand(
            "UPDATE sparkle_webhooks SET deleted = true WHERE id = @id AND tenant_id = @t AND service_id = @s AND NOT deleted");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("t", tenantId);
        command.Parameters.AddWithValue("s", serviceId);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public async Task<IReadOnlyList<WebhookRecord>> ListAsync(Guid tenantId)
    {
        await EnsureSchemaAsync();
        await using var command = dataSource.CreateCommand(
            "SELECT id, tenant_id, url, events, created_at FROM sparkle_webhooks WHERE tenant_id = @t AND service_id = @s AND NOT deleted ORDER BY created_at");
        command.Parameters.AddWithValue("t", tenantId);
        command.Parameters.AddWithValue("s", serviceId);
        var list = new List<WebhookRecord>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(new WebhookRecord(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<string[]>(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }
        return list;
    }

    /// <summary>Tenants that have at least one webhook, and since when.</summary>
    public async Task<IReadOnlyDictionary<Guid, DateTimeOffset>> TenantsWithWebhooksAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = dataSource.CreateCommand(
            "SELECT tenant_id, min(created_at) FROM sparkle_webhooks WHERE service_id = @s AND NOT deleted GROUP BY tenant_id");
        command.Parameters.AddWithValue("s", serviceId);
        var tenants = new Dictionary<Guid, DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tenants[reader.GetGuid(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        }
        return tenants;
    }

    /// <summary>Queues one delivery per webhook of the tenant that wants this event type.</summary>
    public async Task<int> EnqueueAsync(Guid tenantId, string eventType, string payload, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sparkle_webhook_deliveries (id, service_id, webhook_id, tenant_id, event_type, payload, state, created_at, next_attempt_at)
            SELECT gen_random_uuid(), service_id, id, tenant_id, @type, @payload, 0, now(), now()
            FROM sparkle_webhooks WHERE tenant_id = @t AND service_id = @s AND NOT deleted AND @type = ANY (events)
            """);
        command.Parameters.AddWithValue("type", eventType);
        command.Parameters.AddWithValue("payload", payload);
        command.Parameters.AddWithValue("t", tenantId);
        command.Parameters.AddWithValue("s", serviceId);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deliveries due now, with their webhook's URL and secret.</summary>
    public async Task<IReadOnlyList<(WebhookDeliveryRecord Delivery, string Url, string Secret)>> TakeDueAsync(int limit, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = dataSource.CreateCommand($"""
            SELECT {DeliveryColumns}, w.url, w.secret
            FROM sparkle_webhook_deliveries d JOIN sparkle_webhooks w ON w.id = d.webhook_id
            WHERE d.service_id = @s AND d.state = 0 AND d.next_attempt_at <= now()
            ORDER BY d.next_attempt_at LIMIT @limit
            """);
        command.Parameters.AddWithValue("s", serviceId);
        command.Parameters.AddWithValue("limit", limit);
        var due = new List<(WebhookDeliveryRecord, string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add((ReadDelivery(reader), reader.GetString(11), reader.GetString(12)));
        }
        return due;
    }

    public async Task RecordAttemptAsync(Guid deliveryId, WebhookDeliveryState state, int? statusCode, string? error, DateTimeOffset nextAttempt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE sparkle_webhook_deliveries
            SET attempts = attempts + 1, state = @state, last_status = @status, last_error = @error, next_attempt_at = @next,
                delivered_at = CASE WHEN @state = 1 THEN now() ELSE delivered_at END
            WHERE id = @id
            """);
        command.Parameters.AddWithValue("id", deliveryId);
        command.Parameters.AddWithValue("state", (short)state);
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Integer) { Value = (object?)statusCode ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)error ?? DBNull.Value });
        command.Parameters.AddWithValue("next", nextAttempt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One page of a webhook's delivery log, newest first, by keyset on (created_at, id) strictly
    /// before <paramref name="before"/>; and how many deliveries the log holds.</summary>
    public async Task<(IReadOnlyList<WebhookDeliveryRecord> Items, bool HasMore, long Total)> ListDeliveriesAsync(
        Guid tenantId, Guid webhookId, int first, (DateTimeOffset CreatedAt, Guid Id)? before)
    {
        await EnsureSchemaAsync();
        await using var count = dataSource.CreateCommand(
            "SELECT count(*) FROM sparkle_webhook_deliveries d WHERE d.webhook_id = @w AND d.tenant_id = @t AND d.service_id = @s");
        count.Parameters.AddWithValue("w", webhookId);
        count.Parameters.AddWithValue("t", tenantId);
        count.Parameters.AddWithValue("s", serviceId);
        var total = (long)(await count.ExecuteScalarAsync())!;

        await using var command = dataSource.CreateCommand($"""
            SELECT {DeliveryColumns} FROM sparkle_webhook_deliveries d
            WHERE d.webhook_id = @w AND d.tenant_id = @t AND d.service_id = @s
              AND (@after IS FALSE OR (d.created_at, d.id) < (@at, @id))
            ORDER BY d.created_at DESC, d.id DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("w", webhookId);
        command.Parameters.AddWithValue("t", tenantId);
        command.Parameters.AddWithValue("s", serviceId);
        command.Parameters.AddWithValue("after", before is not null);
        command.Parameters.AddWithValue("at", (before?.CreatedAt ?? DateTimeOffset.UnixEpoch).UtcDateTime);
        command.Parameters.AddWithValue("id", before?.Id ?? Guid.Empty);
        command.Parameters.AddWithValue("limit", first + 1);
        var list = new List<WebhookDeliveryRecord>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(ReadDelivery(reader));
        }

        var more = list.Count > first;
        return (more ? list[..first] : list, more, total);
    }

    public async Task<long?> GetCursorAsync(Guid meetingId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT version FROM sparkle_webhook_cursors WHERE service_id = @s AND meeting_id = @m");
        command.Parameters.AddWithValue("s", serviceId);
        command.Parameters.AddWithValue("m", meetingId);
        return await command.ExecuteScalarAsync(cancellationToken) is long version ? version : null;
    }

    public async Task SetCursorAsync(Guid tenantId, Guid meetingId, long version, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sparkle_webhook_cursors (service_id, meeting_id, tenant_id, version) VALUES (@s, @m, @t, @v)
            ON CONFLICT (service_id, meeting_id) DO UPDATE SET version = GREATEST(sparkle_webhook_cursors.version, excluded.version)
            """);
        command.Parameters.AddWithValue("s", serviceId);
        command.Parameters.AddWithValue("m", meetingId);
        command.Parameters.AddWithValue("t", tenantId);
        command.Parameters.AddWithValue("v", version);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Holds a session advisory lock on its own connection: only one API host per deployment
    /// watches meetings and sends webhooks. Returns null when another host holds it.</summary>
    public async Task<NpgsqlConnection?> TryTakeLeadershipAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(7410062, hashtext(@s))", connection);
        command.Parameters.AddWithValue("s", serviceId);
        if (await command.ExecuteScalarAsync(cancellationToken) is true)
        {
            return connection;
        }
        await connection.DisposeAsync();
        return null;
    }

    private const string DeliveryColumns =
        "d.id, d.webhook_id, d.event_type, d.payload, d.state, d.attempts, d.last_status, d.last_error, d.created_at, d.delivered_at, d.next_attempt_at";

    private static WebhookDeliveryRecord ReadDelivery(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetGuid(1),
        reader.GetString(2),
        reader.GetString(3),
        (WebhookDeliveryState)reader.GetInt16(4),
        reader.GetInt32(5),
        reader.IsDBNull(6) ? null : reader.GetInt32(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.GetFieldValue<DateTimeOffset>(8),
        reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
        reader.GetFieldValue<DateTimeOffset>(10));
}
