-- Sparkle.Cloud: Orleans ADO.NET reminders on PostgreSQL.
-- Contract: rows keyed by (ServiceId, GrainId, ReminderName) with GrainHash for range reads; reads
-- return GrainId, ReminderName, StartTime, Period (milliseconds, bigint) and Version (the etag);
-- upsert returns the new Version; delete returns whether the row with that version was deleted.

CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    varchar(150)   NOT NULL,
    GrainId      varchar(150)   NOT NULL,
    ReminderName varchar(150)   NOT NULL,
    StartTime    timestamptz(3) NOT NULL,
    Period       bigint         NOT NULL,
    GrainHash    integer        NOT NULL,
    Version      integer        NOT NULL,
    CONSTRAINT PK_OrleansRemindersTable PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

CREATE INDEX IF NOT EXISTS IX_OrleansRemindersTable_GrainHash ON OrleansRemindersTable (ServiceId, GrainHash);

SELECT sparkle_set_query('UpsertReminderRowKey', $q$
    INSERT INTO OrleansRemindersTable
        (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
    VALUES
        (CAST(@ServiceId AS varchar), CAST(@GrainId AS varchar), CAST(@ReminderName AS varchar),
         CAST(@StartTime AS timestamptz), CAST(@Period AS bigint), CAST(@GrainHash AS integer), 0)
    ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE SET
        StartTime = excluded.StartTime,
        Period = excluded.Period,
        GrainHash = excluded.GrainHash,
        Version = OrleansRemindersTable.Version + 1
    RETURNING Version;
$q$);

SELECT sparkle_set_query('ReadReminderRowsKey', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = CAST(@ServiceId AS varchar) AND GrainId = CAST(@GrainId AS varchar);
$q$);

SELECT sparkle_set_query('ReadReminderRowKey', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = CAST(@ServiceId AS varchar) AND GrainId = CAST(@GrainId AS varchar)
      AND ReminderName = CAST(@ReminderName AS varchar);
$q$);

-- The ring range (BeginHash, EndHash] when it does not wrap...
SELECT sparkle_set_query('ReadRangeRows1Key', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = CAST(@ServiceId AS varchar)
      AND GrainHash > CAST(@BeginHash AS integer) AND GrainHash <= CAST(@EndHash AS integer);
$q$);

-- ...and when it wraps around.
SELECT sparkle_set_query('ReadRangeRows2Key', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = CAST(@ServiceId AS varchar)
      AND (GrainHash > CAST(@BeginHash AS integer) OR GrainHash <= CAST(@EndHash AS integer));
$q$);

SELECT sparkle_set_query('DeleteReminderRowKey', $q$
    WITH deleted AS (
        DELETE FROM OrleansRemindersTable
        WHERE ServiceId = CAST(@ServiceId AS varchar) AND GrainId = CAST(@GrainId AS varchar)
          AND ReminderName = CAST(@ReminderName AS varchar) AND Version = CAST(@Version AS integer)
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM deleted);
$q$);

SELECT sparkle_set_query('DeleteReminderRowsKey', $q$
    DELETE FROM OrleansRemindersTable WHERE ServiceId = CAST(@ServiceId AS varchar);
$q$);
