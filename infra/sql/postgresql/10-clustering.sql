-- Sparkle.Cloud: Orleans ADO.NET clustering (membership) on PostgreSQL.
-- Contract: one version row per deployment (cluster id) whose Version is the membership table's etag;
-- inserts and updates of silo rows succeed only if the caller's etag is current, and bump it.
-- Results read by the provider: a single boolean for the conditional writes; for reads the columns
-- Address, Port, Generation, SiloName, HostName, Status, ProxyPort, SuspectTimes, StartTime,
-- IAmAliveTime and the table Version (one row with NULL silo columns when there are no silos).

CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150)   NOT NULL,
    Timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    Version      integer        NOT NULL DEFAULT 0,
    CONSTRAINT PK_OrleansMembershipVersionTable PRIMARY KEY (DeploymentId)
);

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150)   NOT NULL,
    Address      varchar(45)    NOT NULL,
    Port         integer        NOT NULL,
    Generation   integer        NOT NULL,
    SiloName     varchar(150)   NOT NULL,
    HostName     varchar(150)   NOT NULL,
    Status       integer        NOT NULL,
    ProxyPort    integer        NULL,
    SuspectTimes varchar(8000)  NULL,
    StartTime    timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,
    CONSTRAINT PK_OrleansMembershipTable PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_OrleansMembershipTable_Version FOREIGN KEY (DeploymentId)
        REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Adds a silo row if the etag is current. The version bump comes first so that concurrent writers
-- queue on the version row; a conflicting row undoes the bump (the inner block is a savepoint).
CREATE OR REPLACE FUNCTION sparkle_membership_insert(
    deployment_arg text, address_arg text, port_arg integer, generation_arg integer,
    silo_name_arg text, host_name_arg text, status_arg integer, proxy_port_arg integer,
    start_time_arg timestamptz, i_am_alive_arg timestamptz, version_arg integer)
RETURNS boolean LANGUAGE plpgsql AS
$fn$
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable
        SET Version = Version + 1, Timestamp = now()
        WHERE DeploymentId = deployment_arg AND Version = version_arg;
        IF NOT FOUND THEN
            RETURN false;
        END IF;

        INSERT INTO OrleansMembershipTable
            (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort,
             StartTime, IAmAliveTime)
        VALUES
            (deployment_arg, address_arg, port_arg, generation_arg, silo_name_arg, host_name_arg,
             status_arg, proxy_port_arg, start_time_arg, i_am_alive_arg)
        ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'silo row exists' USING ERRCODE = 'SPK01';
        END IF;
        RETURN true;
    EXCEPTION WHEN SQLSTATE 'SPK01' THEN
        RETURN false;
    END;
END
$fn$;

-- Updates a silo row if the etag is current, bumping it; a missing row undoes the bump.
CREATE OR REPLACE FUNCTION sparkle_membership_update(
    deployment_arg text, address_arg text, port_arg integer, generation_arg integer,
    status_arg integer, suspect_times_arg text, i_am_alive_arg timestamptz, version_arg integer)
RETURNS boolean LANGUAGE plpgsql AS
$fn$
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable
        SET Version = Version + 1, Timestamp = now()
        WHERE DeploymentId = deployment_arg AND Version = version_arg;
        IF NOT FOUND THEN
            RETURN false;
        END IF;

        UPDATE OrleansMembershipTable
        SET Status = status_arg, SuspectTimes = suspect_times_arg, IAmAliveTime = i_am_alive_arg
        WHERE DeploymentId = deployment_arg AND Address = address_arg
          AND Port = port_arg AND Generation = generation_arg;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'silo row missing' USING ERRCODE = 'SPK01';
        END IF;
        RETURN true;
    EXCEPTION WHEN SQLSTATE 'SPK01' THEN
        RETURN false;
    END;
END
$fn$;

SELECT sparkle_set_query('InsertMembershipVersionKey', $q$
    WITH inserted AS (
        INSERT INTO OrleansMembershipVersionTable (DeploymentId)
        VALUES (CAST(@DeploymentId AS varchar))
        ON CONFLICT (DeploymentId) DO NOTHING
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM inserted);
$q$);

SELECT sparkle_set_query('InsertMembershipKey', $q$
    SELECT sparkle_membership_insert(
        CAST(@DeploymentId AS text), CAST(@Address AS text), CAST(@Port AS integer),
        CAST(@Generation AS integer), CAST(@SiloName AS text), CAST(@HostName AS text),
        CAST(@Status AS integer), CAST(@ProxyPort AS integer), CAST(@StartTime AS timestamptz),
        CAST(@IAmAliveTime AS timestamptz), CAST(@Version AS integer));
$q$);

SELECT sparkle_set_query('UpdateMembershipKey', $q$
    SELECT sparkle_membership_update(
        CAST(@DeploymentId AS text), CAST(@Address AS text), CAST(@Port AS integer),
        CAST(@Generation AS integer), CAST(@Status AS integer), CAST(@SuspectTimes AS text),
        CAST(@IAmAliveTime AS timestamptz), CAST(@Version AS integer));
$q$);

-- Heartbeat: one keyed assignment, never checked by the provider.
SELECT sparkle_set_query('UpdateIAmAlivetimeKey', $q$
    UPDATE OrleansMembershipTable
    SET IAmAliveTime = CAST(@IAmAliveTime AS timestamptz)
    WHERE DeploymentId = CAST(@DeploymentId AS varchar)
      AND Address = CAST(@Address AS varchar)
      AND Port = CAST(@Port AS integer)
      AND Generation = CAST(@Generation AS integer);
$q$);

SELECT sparkle_set_query('MembershipReadRowKey', $q$
    SELECT m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m
        ON m.DeploymentId = v.DeploymentId
       AND m.Address = CAST(@Address AS varchar)
       AND m.Port = CAST(@Port AS integer)
       AND m.Generation = CAST(@Generation AS integer)
    WHERE v.DeploymentId = CAST(@DeploymentId AS varchar);
$q$);

SELECT sparkle_set_query('MembershipReadAllKey', $q$
    SELECT m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
    WHERE v.DeploymentId = CAST(@DeploymentId AS varchar);
$q$);

SELECT sparkle_set_query('GatewaysQueryKey', $q$
    SELECT Address, ProxyPort, Generation
    FROM OrleansMembershipTable
    WHERE DeploymentId = CAST(@DeploymentId AS varchar)
      AND Status = CAST(@Status AS integer)
      AND ProxyPort > 0;
$q$);

SELECT sparkle_set_query('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM OrleansMembershipTable WHERE DeploymentId = CAST(@DeploymentId AS varchar);
    DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = CAST(@DeploymentId AS varchar);
$q$);

-- Dead silos (status 6) not heard of since the given time.
SELECT sparkle_set_query('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = CAST(@DeploymentId AS varchar)
      AND IAmAliveTime < CAST(@IAmAliveTime AS timestamptz)
      AND StartTime < CAST(@IAmAliveTime AS timestamptz)
      AND Status = 6;
$q$);

-- One dead row, only if it is still exactly as the provider saw it.
SELECT sparkle_set_query('CleanupDefunctSiloEntryKey', $q$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = CAST(@DeploymentId AS varchar)
      AND Status = 6
      AND Address = CAST(@Address AS varchar)
      AND Port = CAST(@Port AS integer)
      AND Generation = CAST(@Generation AS integer)
      AND IAmAliveTime = CAST(CAST(@IAmAliveTime AS timestamptz) AS timestamptz(3))
      AND StartTime = CAST(CAST(@StartTime AS timestamptz) AS timestamptz(3))
      AND SuspectTimes IS NOT DISTINCT FROM CAST(@SuspectTimes AS varchar);
$q$);
