using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Sparkle.Grains.Listings;
using Sparkle.Grains.Usage;

namespace Sparkle.Silo.Usage;

/// <summary>The usage ledger on the cluster's PostgreSQL (infra/sql/postgresql/50-usage.sql). Rows are only inserted;
/// pages are keyset queries on (started_at, leg_id); per-day figures are computed by SQL over the rows, each leg clipped
/// to the UTC day so one crossing midnight counts in both days with the minutes of each.</summary>
public sealed class PostgresUsageLedger(NpgsqlDataSource dataSource, string serviceId) : IUsageLedger, IAsyncDisposable
{
    private const string LegColumns = """
        leg_id, tenant_id, meeting_id, participant_id, uri, display_name, direction, transport, audio_codec, video_codec, srtp,
        started_at, ended_at, duration_seconds, packets_received, packets_lost, loss_fraction, jitter_ms, mos, ims_charging_id
        """;

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    public async Task AppendLegsAsync(IReadOnlyList<LegUsageRecord> legs, CancellationToken cancellationToken = default)
    {
        if (legs.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand($"""
            INSERT INTO usage_legs (service_id, {LegColumns})
            SELECT $1, u.* FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                $10::text[], $11::text[], $12::boolean[], $13::timestamptz[], $14::timestamptz[], $15::integer[], $16::bigint[],
                $17::bigint[], $18::double precision[], $19::double precision[], $20::double precision[], $21::text[]) AS u
            ON CONFLICT (service_id, leg_id) DO NOTHING
            """);
        Add(command, serviceId);
        Add(command, legs.Select(l => l.LegId).ToArray());
        Add(command, legs.Select(l => l.TenantId).ToArray());
        Add(command, legs.Select(l => l.MeetingId).ToArray());
        Add(command, legs.Select(l => l.ParticipantId).ToArray());
        Add(command, legs.Select(l => l.Uri).ToArray());
        Add(command, legs.Select(l => l.DisplayName).ToArray());
        Add(command, legs.Select(l => DirectionText(l.Direction)).ToArray());
        Add(command, legs.Select(l => l.Transport).ToArray());
        Add(command, legs.Select(l => l.AudioCodec).ToArray());
        Add(command, legs.Select(l => l.VideoCodec).ToArray());
        Add(command, legs.Select(l => l.Srtp).ToArray());
        Add(command, legs.Select(l => l.StartedAt.UtcDateTime).ToArray());
        Add(command, legs.Select(l => l.EndedAt.UtcDateTime).ToArray());
        Add(command, legs.Select(l => l.DurationSeconds).ToArray());
        Add(command, legs.Select(l => l.PacketsReceived).ToArray());
        Add(command, legs.Select(l => l.PacketsLost).ToArray());
        Add(command, legs.Select(l => l.LossFraction).ToArray());
        Add(command, legs.Select(l => l.JitterMs).ToArray());
        Add(command, legs.Select(l => l.Mos).ToArray());
        Add(command, legs.Select(l => l.ImsChargingId).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task AppendRecordingsAsync(IReadOnlyList<RecordingUsageRecord> parts, CancellationToken cancellationToken = default)
    {
        if (parts.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand("""
            INSERT INTO usage_recordings (service_id, recording_id, part_index, tenant_id, meeting_id, kind, started_at, seconds, bytes)
            SELECT $1, u.* FROM unnest($2::uuid[], $3::integer[], $4::uuid[], $5::uuid[], $6::text[], $7::timestamptz[],
                $8::double precision[], $9::bigint[]) AS u
            ON CONFLICT (service_id, recording_id, part_index) DO NOTHING
            """);
        Add(command, serviceId);
        Add(command, parts.Select(p => p.RecordingId).ToArray());
        Add(command, parts.Select(p => p.PartIndex).ToArray());
        Add(command, parts.Select(p => p.TenantId).ToArray());
        Add(command, parts.Select(p => p.MeetingId).ToArray());
        Add(command, parts.Select(p => p.Kind).ToArray());
        Add(command, parts.Select(p => p.StartedAt.UtcDateTime).ToArray());
        Add(command, parts.Select(p => p.Seconds).ToArray());
        Add(command, parts.Select(p => p.Bytes).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<LegUsagePage> QueryLegsAsync(Guid? tenantId, DateTimeOffset from, DateTimeOffset to, int first, ListingPosition? after)
    {
        var where = "service_id = @service AND started_at >= @from AND started_at < @to";
        var parameters = new List<NpgsqlParameter>
        {
            new("service", serviceId), new("from", from.UtcDateTime), new("to", to.UtcDateTime),
        };
        if (tenantId is { } tenant)
        {
            where += " AND tenant_id = @tenant";
            parameters.Add(new("tenant", tenant));
        }

        long total;
        await using (var count = dataSource.CreateCommand($"SELECT count(*) FROM usage_legs WHERE {where}"))
        {
            count.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            total = (long)(await count.ExecuteScalarAsync())!;
        }

        if (after is not null)
        {
            if (!long.TryParse(after.Key, NumberStyles.Integer, CultureInfo.InvariantCulture, out var micros) || !Guid.TryParse(after.Id, out var legId))
            {
                throw new Sparkle.Grains.Identity.ValidationException("The cursor is not one of the usage records list's.");
            }

            where += " AND (started_at, leg_id) > (@key, @id)";
            parameters.Add(new("key", FromMicros(micros)));
            parameters.Add(new("id", legId));
        }

        await using var command = dataSource.CreateCommand(
            $"SELECT {LegColumns} FROM usage_legs WHERE {where} ORDER BY started_at, leg_id LIMIT {first + 1}");
        command.Parameters.AddRange(parameters.ToArray());
        var items = new List<LegUsageRecord>(first + 1);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                items.Add(ReadLeg(reader));
            }
        }

        var more = items.Count > first;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }

        var positions = items.Select(l => new ListingPosition(
            ToMicros(l.StartedAt.UtcDateTime).ToString(CultureInfo.InvariantCulture), l.LegId.ToString("D"))).ToList();
        return new LegUsagePage(items, positions, more, total);
    }

    /// <summary>Per UTC day: each leg clipped to the day; meetings are those with a leg in the day; the peak is a sweep
    /// over the clipped legs' start (+1) and end (-1) events in time order, ends before starts at the same instant (a leg
    /// ending as another starts is not two at once); recordings count in the day their part started.</summary>
    public async Task<IReadOnlyList<TenantDailyUsage>> DailyAsync(Guid tenantId, DateOnly from, DateOnly to)
    {
        await using var command = dataSource.CreateCommand("""
            WITH days AS (
                SELECT d::date AS day, (d::date)::timestamp AT TIME ZONE 'UTC' AS day_start,
                       (d::date + 1)::timestamp AT TIME ZONE 'UTC' AS day_end
                FROM generate_series($3::date, $4::date, interval '1 day') AS d),
            legs AS (
                SELECT days.day, l.meeting_id, greatest(l.started_at, days.day_start) AS s, least(l.ended_at, days.day_end) AS e
                FROM usage_legs l JOIN days ON l.started_at < days.day_end AND l.ended_at > days.day_start
                WHERE l.service_id = $1 AND l.tenant_id = $2
                  AND l.started_at < ($4::date + 1)::timestamp AT TIME ZONE 'UTC' AND l.ended_at > $3::date::timestamp AT TIME ZONE 'UTC'),
            leg_totals AS (
                SELECT day, count(DISTINCT meeting_id) AS meetings, sum(extract(epoch FROM e - s)) / 60.0 AS minutes
                FROM legs GROUP BY day),
            events AS (
                SELECT day, s AS at, 1 AS delta FROM legs
                UNION ALL
                SELECT day, e AS at, -1 AS delta FROM legs),
            running AS (
                SELECT day, sum(delta) OVER (PARTITION BY day ORDER BY at, delta ROWS UNBOUNDED PRECEDING) AS concurrent FROM events),
            peaks AS (
                SELECT day, max(concurrent) AS peak FROM running GROUP BY day),
            recordings AS (
                SELECT (r.started_at AT TIME ZONE 'UTC')::date AS day, sum(r.seconds) / 60.0 AS minutes, sum(r.bytes) AS bytes
                FROM usage_recordings r
                WHERE r.service_id = $1 AND r.tenant_id = $2
                  AND r.started_at >= $3::date::timestamp AT TIME ZONE 'UTC' AND r.started_at < ($4::date + 1)::timestamp AT TIME ZONE 'UTC'
                GROUP BY 1)
            SELECT days.day, coalesce(t.meetings, 0), coalesce(t.minutes, 0), coalesce(p.peak, 0), coalesce(r.minutes, 0), coalesce(r.bytes, 0)
            FROM days
            LEFT JOIN leg_totals t ON t.day = days.day
            LEFT JOIN peaks p ON p.day = days.day
            LEFT JOIN recordings r ON r.day = days.day
            ORDER BY days.day
            """);
        Add(command, serviceId);
        Add(command, tenantId);
        Add(command, from);
        Add(command, to);
        var days = new List<TenantDailyUsage>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            days.Add(new TenantDailyUsage(
                tenantId,
                DateOnly.FromDateTime(reader.GetDateTime(0)),
                (int)reader.GetInt64(1),
                Math.Round(Convert.ToDouble(reader.GetValue(2), CultureInfo.InvariantCulture), 3),
                (int)Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture),
                Math.Round(Convert.ToDouble(reader.GetValue(4), CultureInfo.InvariantCulture), 3),
                Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture)));
        }

        return days;
    }

    private static LegUsageRecord ReadLeg(NpgsqlDataReader reader) => new(
        LegId: reader.GetGuid(0),
        TenantId: reader.GetGuid(1),
        MeetingId: reader.GetGuid(2),
        ParticipantId: reader.GetString(3),
        Uri: reader.GetString(4),
        DisplayName: reader.IsDBNull(5) ? null : reader.GetString(5),
        Direction: reader.GetString(6) switch
        {
            "dial-out" => LegDirection.DialOut,
            "webrtc" => LegDirection.WebRtc,
            _ => LegDirection.DialIn,
        },
        Transport: reader.GetString(7),
        AudioCodec: reader.IsDBNull(8) ? null : reader.GetString(8),
        VideoCodec: reader.IsDBNull(9) ? null : reader.GetString(9),
        Srtp: reader.GetBoolean(10),
        StartedAt: new DateTimeOffset(reader.GetDateTime(11), TimeSpan.Zero),
        EndedAt: new DateTimeOffset(reader.GetDateTime(12), TimeSpan.Zero),
        DurationSeconds: reader.GetInt32(13),
        PacketsReceived: reader.IsDBNull(14) ? null : reader.GetInt64(14),
        PacketsLost: reader.IsDBNull(15) ? null : reader.GetInt64(15),
        LossFraction: reader.IsDBNull(16) ? null : reader.GetDouble(16),
        JitterMs: reader.IsDBNull(17) ? null : reader.GetDouble(17),
        Mos: reader.IsDBNull(18) ? null : reader.GetDouble(18),
        ImsChargingId: reader.IsDBNull(19) ? null : reader.GetString(19));

    public static string DirectionText(LegDirection direction) => direction switch
    {
        LegDirection.DialOut => "dial-out",
        LegDirection.WebRtc => "webrtc",
        _ => "dial-in",
    };

    private static void Add<T>(NpgsqlCommand command, T value) => command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });

    // PostgreSQL keeps microseconds: the cursor holds exactly what the row holds.
    private static long ToMicros(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    private static DateTime FromMicros(long micros) => new(DateTime.UnixEpoch.Ticks + (micros * 10), DateTimeKind.Utc);
}
