using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Listings;
using Sparkle.Grains.Meetings;

namespace Sparkle.Silo.Listings;

/// <summary>The listing index on the cluster's PostgreSQL (infra/sql/postgresql/40-listings.sql). Pages are
/// keyset queries on (sort key, id), so page N costs what page 1 costs; the total is one count with the same
/// filters.</summary>
public sealed class PostgresListingIndex(NpgsqlDataSource dataSource, string serviceId) : IListingIndex, IAsyncDisposable
{
    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    public async Task SetMeetingAudienceAsync(Guid tenantId, Guid meetingId, string ownerNumber, IReadOnlyList<string> members)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO listing_meetings (service_id, tenant_id, meeting_id, owner_number, members)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (service_id, tenant_id, meeting_id)
            DO UPDATE SET owner_number = EXCLUDED.owner_number, members = EXCLUDED.members
            """);
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = meetingId });
        command.Parameters.Add(new() { Value = ownerNumber ?? "" });
        command.Parameters.Add(new() { Value = members.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Only updates: the catalog inserts the row when the meeting is registered and deletes it with the
    /// meeting, so a late write of a deleted meeting cannot bring its row back.</summary>
    public async Task SetMeetingDetailsAsync(Guid tenantId, Guid meetingId, MeetingListing details)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE listing_meetings SET title = $4, title_lower = $5, status = $6, created_at = $7
            WHERE service_id = $1 AND tenant_id = $2 AND meeting_id = $3
            """);
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = meetingId });
        command.Parameters.Add(new() { Value = details.Title });
        command.Parameters.Add(new() { Value = details.Title.ToLowerInvariant() });
        command.Parameters.Add(new() { Value = (short)details.Status });
        command.Parameters.Add(new() { Value = details.CreatedAt.UtcDateTime });
        await command.ExecuteNonQueryAsync();
    }

    public async Task RemoveMeetingAsync(Guid tenantId, Guid meetingId)
    {
        await using var command = dataSource.CreateCommand(
            "DELETE FROM listing_meetings WHERE service_id = $1 AND tenant_id = $2 AND meeting_id = $3");
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = meetingId });
        await command.ExecuteNonQueryAsync();
    }

    public async Task SetUsersAsync(Guid tenantId, IReadOnlyList<UserListing> users)
    {
        if (users.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand("""
            INSERT INTO listing_users (service_id, tenant_id, number, display_name, name_lower, role)
            SELECT $1, $2, u.number, u.name, u.lower, u.role FROM unnest($3::text[], $4::text[], $5::text[], $6::smallint[]) AS u(number, name, lower, role)
            ON CONFLICT (service_id, tenant_id, number)
            DO UPDATE SET display_name = EXCLUDED.display_name, name_lower = EXCLUDED.name_lower, role = EXCLUDED.role
            """);
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = users.Select(u => u.Number).ToArray() });
        command.Parameters.Add(new() { Value = users.Select(u => u.DisplayName).ToArray() });
        command.Parameters.Add(new() { Value = users.Select(u => u.DisplayName.ToLowerInvariant()).ToArray() });
        command.Parameters.Add(new() { Value = users.Select(u => (short)u.Role).ToArray() });
        await command.ExecuteNonQueryAsync();
    }

    public async Task RemoveUserAsync(Guid tenantId, string number)
    {
        await using var command = dataSource.CreateCommand(
            "DELETE FROM listing_users WHERE service_id = $1 AND tenant_id = $2 AND number = $3");
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = number });
        await command.ExecuteNonQueryAsync();
    }

    public async Task<ListingPage<Guid>> QueryMeetingsAsync(Guid tenantId, MeetingListQuery query, string? visibleTo, int first, ListingPosition? after)
    {
        var where = new StringBuilder("service_id = @service AND tenant_id = @tenant AND title IS NOT NULL");
        var parameters = new List<NpgsqlParameter> { new("service", serviceId), new("tenant", tenantId) };
        if (visibleTo is not null)
        {
            where.Append(" AND (owner_number = @who OR members @> ARRAY[@who])");
            parameters.Add(new("who", visibleTo));
        }

        if (!string.IsNullOrEmpty(query.TitleContains))
        {
            where.Append(@" AND title_lower LIKE @title ESCAPE '\'");
            parameters.Add(new("title", Contains(query.TitleContains)));
        }

        if (query.Status is { } status)
        {
            where.Append(" AND status = @status");
            parameters.Add(new("status", (short)status));
        }

        if (query.CreatedFrom is { } from)
        {
            where.Append(" AND created_at >= @from");
            parameters.Add(new("from", from.UtcDateTime));
        }

        if (query.CreatedTo is { } to)
        {
            where.Append(" AND created_at < @to");
            parameters.Add(new("to", to.UtcDateTime));
        }

        var total = await CountAsync("listing_meetings", where.ToString(), parameters);
        var (keyset, order) = query.OrderBy switch
        {
            MeetingOrder.CreatedAsc => ("(created_at, meeting_id) > (@key, @id)", "created_at, meeting_id"),
            MeetingOrder.TitleAsc => ("(title_lower, meeting_id) > (@key, @id)", "title_lower, meeting_id"),
            _ => ("(created_at, meeting_id) < (@key, @id)", "created_at DESC, meeting_id DESC"),
        };
        if (after is not null)
        {
            where.Append(" AND ").Append(keyset);
            parameters.Add(new("id", Guid.Parse(after.Id)));
            parameters.Add(query.OrderBy == MeetingOrder.TitleAsc
                ? new NpgsqlParameter("key", after.Key)
                : new NpgsqlParameter("key", FromMicros(long.Parse(after.Key, CultureInfo.InvariantCulture))));
        }

        await using var command = dataSource.CreateCommand(
            $"SELECT meeting_id, title_lower, created_at FROM listing_meetings WHERE {where} ORDER BY {order} LIMIT {first + 1}");
        command.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
        var items = new List<ListingItem<Guid>>(first + 1);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var id = reader.GetGuid(0);
                var key = query.OrderBy == MeetingOrder.TitleAsc ? reader.GetString(1) : ToMicros(reader.GetDateTime(2)).ToString(CultureInfo.InvariantCulture);
                items.Add(new ListingItem<Guid>(id, new ListingPosition(key, id.ToString("D"))));
            }
        }

        return Page(items, first, total);
    }

    public async Task<ListingPage<string>> QueryUsersAsync(Guid tenantId, UserListQuery query, int first, ListingPosition? after)
    {
        var where = new StringBuilder("service_id = @service AND tenant_id = @tenant");
        var parameters = new List<NpgsqlParameter> { new("service", serviceId), new("tenant", tenantId) };
        if (!string.IsNullOrEmpty(query.Search))
        {
            where.Append(@" AND (number LIKE @search ESCAPE '\' OR name_lower LIKE @search ESCAPE '\')");
            parameters.Add(new("search", Contains(query.Search)));
        }

        if (query.Role is { } role)
        {
            where.Append(" AND role = @role");
            parameters.Add(new("role", (short)role));
        }

        var total = await CountAsync("listing_users", where.ToString(), parameters);
        var (keyset, order) = query.OrderBy == UserOrder.NameAsc
            ? ("(name_lower, number) > (@key, @id)", "name_lower, number")
            : ("number > @id", "number");
        if (after is not null)
        {
            where.Append(" AND ").Append(keyset);
            parameters.Add(new("id", after.Id));
            parameters.Add(new("key", after.Key));
        }

        await using var command = dataSource.CreateCommand(
            $"SELECT number, name_lower FROM listing_users WHERE {where} ORDER BY {order} LIMIT {first + 1}");
        command.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
        var items = new List<ListingItem<string>>(first + 1);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var number = reader.GetString(0);
                var key = query.OrderBy == UserOrder.NameAsc ? reader.GetString(1) : number;
                items.Add(new ListingItem<string>(number, new ListingPosition(key, number)));
            }
        }

        return Page(items, first, total);
    }

    private async Task<long> CountAsync(string table, string where, List<NpgsqlParameter> parameters)
    {
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {table} WHERE {where}");
        command.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static ListingPage<T> Page<T>(List<ListingItem<T>> items, int first, long total)
    {
        var more = items.Count > first;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }

        return new ListingPage<T>(items, more, total);
    }

    /// <summary>A LIKE pattern for "contains", case-insensitively (the index holds lower-case copies).</summary>
    private static string Contains(string text) =>
        "%" + text.ToLowerInvariant().Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";

    // PostgreSQL keeps microseconds: the cursor holds exactly what the row holds.
    private static long ToMicros(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    private static DateTime FromMicros(long micros) => new(DateTime.UnixEpoch.Ticks + (micros * 10), DateTimeKind.Utc);
}
