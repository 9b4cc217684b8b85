-- Sparkle.Cloud: the Orleans ADO.NET schema for PostgreSQL, part 0: the query catalogue.
-- Written for Microsoft.Orleans.{Clustering,Persistence,Reminders}.AdoNet 10.4.2 from their documented
-- contract: each provider reads its SQL from OrleansQuery by key at start-up and binds named parameters
-- (@DeploymentId, @GrainIdHash, ...). Every file here is idempotent: applied on every start.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL,
    QueryText varchar(8000) NOT NULL,
    CONSTRAINT PK_OrleansQuery PRIMARY KEY (QueryKey)
);

-- Timestamps the providers bind without a time zone are UTC: make the database agree.
DO $do$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET timezone TO ''UTC''', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'not the database owner: timezone left as configured';
END
$do$;

-- Upsert of one catalogue entry, so a newer schema file replaces older query texts.
CREATE OR REPLACE FUNCTION sparkle_set_query(key_arg varchar, text_arg varchar)
RETURNS void LANGUAGE sql AS
$fn$
    INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (key_arg, text_arg)
    ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
$fn$;
