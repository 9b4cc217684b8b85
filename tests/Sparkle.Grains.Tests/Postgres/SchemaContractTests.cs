using Npgsql;
using Sparkle.Silo;

namespace Sparkle.Grains.Tests.Postgres;

/// <summary>The stored queries as the Orleans providers run them (named parameters, single results):
/// the conditional writes succeed only with the current etag and leave nothing behind when they fail.</summary>
public sealed class SchemaContractTests
{
    [Fact]
    public async Task MembershipWritesNeedTheCurrentVersionAndUndoThemselvesOnConflict()
    {
        await PostgresSchema.ApplyAsync(PostgresSilo.ConnectionString);
        var deployment = $"contract-{Guid.NewGuid():N}";
        var now = DateTime.UtcNow;

        Assert.True(await ScalarAsync<bool>("InsertMembershipVersionKey", ("DeploymentId", deployment)));
        Assert.False(await ScalarAsync<bool>("InsertMembershipVersionKey", ("DeploymentId", deployment)));

        (string, object)[] Row(int version) =>
        [
            ("DeploymentId", deployment), ("Address", "127.0.0.1"), ("Port", 11111), ("Generation", 7), ("SiloName", "s1"),
            ("HostName", "h"), ("Status", 3), ("ProxyPort", 30000), ("StartTime", now), ("IAmAliveTime", now), ("Version", version),
        ];

        Assert.True(await ScalarAsync<bool>("InsertMembershipKey", Row(0)));
        Assert.False(await ScalarAsync<bool>("InsertMembershipKey", Row(0)));  // stale etag
        Assert.False(await ScalarAsync<bool>("InsertMembershipKey", Row(1)));  // same silo again: undone
        Assert.Equal(1, await VersionAsync(deployment));

        (string, object)[] Update(int version) =>
        [
            ("DeploymentId", deployment), ("Address", "127.0.0.1"), ("Port", 11111), ("Generation", 7), ("Status", 6),
            ("SuspectTimes", DBNull.Value), ("IAmAliveTime", now), ("Version", version),
        ];

        Assert.False(await ScalarAsync<bool>("UpdateMembershipKey", Update(0)));
        Assert.True(await ScalarAsync<bool>("UpdateMembershipKey", Update(1)));
        Assert.Equal(2, await VersionAsync(deployment));

        var deadRows = await ScalarAsync<long>("SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId AND Status = 6", ("DeploymentId", deployment));
        Assert.Equal(1, deadRows);
        await ExecuteAsync("DeleteMembershipTableEntriesKey", ("DeploymentId", deployment));
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId", ("DeploymentId", deployment)));
    }

    [Fact]
    public async Task StorageWritesNeedTheCurrentVersion()
    {
        await PostgresSchema.ApplyAsync(PostgresSilo.ConnectionString);
        var service = $"contract-{Guid.NewGuid():N}";
        (string, object)[] Key(object version, byte[] payload) =>
        [
            ("GrainIdHash", 42), ("GrainIdN0", 1L), ("GrainIdN1", 2L), ("GrainTypeHash", 7), ("GrainTypeString", "test"),
            ("GrainIdExtensionString", DBNull.Value), ("ServiceId", service), ("GrainStateVersion", version), ("PayloadBinary", payload),
        ];

        Assert.Equal(1, await ScalarAsync<int>("WriteToStorageKey", Key(DBNull.Value, [1])));
        Assert.Null(await ScalarAsync<int?>("WriteToStorageKey", Key(DBNull.Value, [2])));   // a second first write loses
        Assert.Equal(2, await ScalarAsync<int>("WriteToStorageKey", Key(1, [3])));
        Assert.Equal(1, await ScalarAsync<int>("WriteToStorageKey", Key(1, [4])));            // stale: version unchanged

        await using var connection = await OpenAsync();
        await using var read = Command(connection, await QueryAsync(connection, "ReadFromStorageKey"), Key(DBNull.Value, []));
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(new byte[] { 3 }, (byte[])reader["PayloadBinary"]);
        Assert.Equal(2, reader.GetInt32(reader.GetOrdinal("Version")));
    }

    private static async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(PostgresSilo.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<string> QueryAsync(NpgsqlConnection connection, string keyOrSql)
    {
        if (keyOrSql.Contains(' ', StringComparison.Ordinal))
        {
            return keyOrSql;
        }

        await using var command = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @k", connection);
        command.Parameters.AddWithValue("k", keyOrSql);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static async Task<T> ScalarAsync<T>(string keyOrSql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, await QueryAsync(connection, keyOrSql), parameters);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(string key, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, await QueryAsync(connection, key), parameters);
        await command.ExecuteNonQueryAsync();
    }

    private static Task<int> VersionAsync(string deployment) =>
        ScalarAsync<int>("SELECT Version FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId", ("DeploymentId", deployment));
}
