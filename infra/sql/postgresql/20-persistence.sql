-- Sparkle.Cloud: Orleans ADO.NET grain persistence on PostgreSQL.
-- Contract: a grain's state is keyed by (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash,
-- GrainTypeString, GrainIdExtensionString, ServiceId) and carries an integer Version (the etag).
-- Read returns PayloadBinary and Version; write returns NewGrainStateVersion (the caller's version
-- unchanged, or NULL, means a conflict); clear returns the new version.

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    ModifiedOn             timestamptz  NOT NULL DEFAULT now(),
    Version                integer      NULL
);

-- One row per grain state: also what makes a racing first insert lose cleanly.
CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_Key ON OrleansStorage
    (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, ServiceId, GrainTypeString,
     (COALESCE(GrainIdExtensionString, '')));

CREATE OR REPLACE FUNCTION sparkle_storage_write(
    id_hash_arg integer, n0_arg bigint, n1_arg bigint, type_hash_arg integer, type_arg text,
    extension_arg text, service_arg text, version_arg integer, payload_arg bytea)
RETURNS TABLE (NewGrainStateVersion integer) LANGUAGE plpgsql AS
$fn$
DECLARE
    new_version integer;
BEGIN
    IF version_arg IS NULL THEN
        -- Never read from storage (or deleted): only the first writer may create the row.
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
             ServiceId, PayloadBinary, ModifiedOn, Version)
        VALUES
            (id_hash_arg, n0_arg, n1_arg, type_hash_arg, type_arg, extension_arg, service_arg,
             payload_arg, now(), 1)
        ON CONFLICT DO NOTHING
        RETURNING Version INTO new_version;
        RETURN QUERY SELECT new_version;
        RETURN;
    END IF;

    UPDATE OrleansStorage s
    SET PayloadBinary = payload_arg, ModifiedOn = now(), Version = s.Version + 1
    WHERE s.GrainIdHash = id_hash_arg AND s.GrainTypeHash = type_hash_arg
      AND s.GrainIdN0 = n0_arg AND s.GrainIdN1 = n1_arg
      AND s.ServiceId = service_arg AND s.GrainTypeString = type_arg
      AND COALESCE(s.GrainIdExtensionString, '') = COALESCE(extension_arg, '')
      AND s.Version = version_arg
    RETURNING s.Version INTO new_version;
    -- No row updated: hand back the caller's version, which the provider reports as a conflict.
    RETURN QUERY SELECT COALESCE(new_version, version_arg);
END
$fn$;

SELECT sparkle_set_query('ReadFromStorageKey', $q$
    SELECT PayloadBinary, Version
    FROM OrleansStorage
    WHERE GrainIdHash = CAST(@GrainIdHash AS integer)
      AND GrainTypeHash = CAST(@GrainTypeHash AS integer)
      AND GrainIdN0 = CAST(@GrainIdN0 AS bigint)
      AND GrainIdN1 = CAST(@GrainIdN1 AS bigint)
      AND ServiceId = CAST(@ServiceId AS varchar)
      AND GrainTypeString = CAST(@GrainTypeString AS varchar)
      AND COALESCE(GrainIdExtensionString, '') = COALESCE(CAST(@GrainIdExtensionString AS varchar), '');
$q$);

SELECT sparkle_set_query('WriteToStorageKey', $q$
    SELECT NewGrainStateVersion FROM sparkle_storage_write(
        CAST(@GrainIdHash AS integer), CAST(@GrainIdN0 AS bigint), CAST(@GrainIdN1 AS bigint),
        CAST(@GrainTypeHash AS integer), CAST(@GrainTypeString AS text),
        CAST(@GrainIdExtensionString AS text), CAST(@ServiceId AS text),
        CAST(@GrainStateVersion AS integer), CAST(@PayloadBinary AS bytea));
$q$);

-- Clear keeps the row (and its version history) with no payload.
SELECT sparkle_set_query('ClearStorageKey', $q$
    UPDATE OrleansStorage
    SET PayloadBinary = NULL, ModifiedOn = now(), Version = Version + 1
    WHERE GrainIdHash = CAST(@GrainIdHash AS integer)
      AND GrainTypeHash = CAST(@GrainTypeHash AS integer)
      AND GrainIdN0 = CAST(@GrainIdN0 AS bigint)
      AND GrainIdN1 = CAST(@GrainIdN1 AS bigint)
      AND ServiceId = CAST(@ServiceId AS varchar)
      AND GrainTypeString = CAST(@GrainTypeString AS varchar)
      AND COALESCE(GrainIdExtensionString, '') = COALESCE(CAST(@GrainIdExtensionString AS varchar), '')
      AND Version = CAST(@GrainStateVersion AS integer)
    RETURNING Version AS NewGrainStateVersion;
$q$);

-- Clear with DeleteStateOnClear: removes the row. Success returns no row (the etag becomes null, so
-- the next write inserts); a version mismatch returns the caller's version (a conflict).
SELECT sparkle_set_query('DeleteStorageKey', $q$
    WITH deleted AS (
        DELETE FROM OrleansStorage
        WHERE GrainIdHash = CAST(@GrainIdHash AS integer)
          AND GrainTypeHash = CAST(@GrainTypeHash AS integer)
          AND GrainIdN0 = CAST(@GrainIdN0 AS bigint)
          AND GrainIdN1 = CAST(@GrainIdN1 AS bigint)
          AND ServiceId = CAST(@ServiceId AS varchar)
          AND GrainTypeString = CAST(@GrainTypeString AS varchar)
          AND COALESCE(GrainIdExtensionString, '') = COALESCE(CAST(@GrainIdExtensionString AS varchar), '')
          AND Version = CAST(@GrainStateVersion AS integer)
        RETURNING 1)
    SELECT CAST(@GrainStateVersion AS integer) AS NewGrainStateVersion
    WHERE CAST(@GrainStateVersion AS integer) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM deleted);
$q$);
