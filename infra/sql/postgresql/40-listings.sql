-- Listing index: one row per meeting and per user, kept current by the grain that owns the data (idempotent
-- upserts), so a list page is one keyset query instead of every grain of the tenant. The grains stay the source
-- of truth for details; a row only says that an item exists, where it sorts, and who may see it.
-- Rows carry the Orleans service id so several deployments may share one database. Sort keys are COLLATE "C"
-- so the database orders them exactly as the cursor compares them (ordinal).

CREATE TABLE IF NOT EXISTS listing_meetings (
    service_id   text NOT NULL,
    tenant_id    uuid NOT NULL,
    meeting_id   uuid NOT NULL,
    -- NULL until the meeting grain has written its details: such a row is not listed.
    title        text,
    title_lower  text COLLATE "C",
    status       smallint,
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- Written by the tenant catalog (the authority for who sees a meeting): owner and invited numbers.
    owner_number text NOT NULL DEFAULT '',
    members      text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (service_id, tenant_id, meeting_id));
CREATE INDEX IF NOT EXISTS listing_meetings_created ON listing_meetings (service_id, tenant_id, created_at, meeting_id);
CREATE INDEX IF NOT EXISTS listing_meetings_title ON listing_meetings (service_id, tenant_id, title_lower, meeting_id);
CREATE INDEX IF NOT EXISTS listing_meetings_owner ON listing_meetings (service_id, tenant_id, owner_number);
CREATE INDEX IF NOT EXISTS listing_meetings_members ON listing_meetings USING gin (members);

CREATE TABLE IF NOT EXISTS listing_users (
    service_id   text NOT NULL,
    tenant_id    uuid NOT NULL,
    number       text COLLATE "C" NOT NULL,
    display_name text NOT NULL,
    name_lower   text COLLATE "C" NOT NULL,
    role         smallint NOT NULL,
    PRIMARY KEY (service_id, tenant_id, number));
CREATE INDEX IF NOT EXISTS listing_users_name ON listing_users (service_id, tenant_id, name_lower, number);
