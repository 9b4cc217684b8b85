-- Usage records (issue #13): what the SaaS operator bills by and a tenant admin reports from. Append-only: a row is
-- written once when a call leg ends (usage_legs) or a recording part is sealed (usage_recordings) and never changed;
-- the triggers below refuse UPDATE and DELETE so a bug cannot rewrite history. Writers insert with ON CONFLICT DO
-- NOTHING on the row's own id, so a retried write after a lost acknowledgement adds nothing twice. Per-day figures
-- are computed from these rows by SQL (PostgresUsageLedger), not stored.

CREATE TABLE IF NOT EXISTS usage_legs (
    service_id       text NOT NULL,
    leg_id           uuid NOT NULL,
    tenant_id        uuid NOT NULL,
    meeting_id       uuid NOT NULL,
    participant_id   text NOT NULL,
    uri              text NOT NULL,
    display_name     text,
    -- 'dial-in', 'dial-out' or 'webrtc'
    direction        text NOT NULL,
    -- signalling transport: 'udp', 'tcp', 'tls' or 'webrtc'
    transport        text NOT NULL,
    audio_codec      text,
    video_codec      text,
    srtp             boolean NOT NULL,
    started_at       timestamptz NOT NULL,
    ended_at         timestamptz NOT NULL,
    duration_seconds integer NOT NULL,
    -- Quality of what the participant sent us (null when the worker could not be asked).
    packets_received bigint,
    packets_lost     bigint,
    loss_fraction    double precision,
    jitter_ms        double precision,
    mos              double precision,
    -- The IMS charging id (P-Charging-Vector icid-value) once the platform sits behind IMS CSCFs; null until then.
    ims_charging_id  text,
    written_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, leg_id),
    CHECK (ended_at >= started_at));
CREATE INDEX IF NOT EXISTS usage_legs_tenant_start ON usage_legs (service_id, tenant_id, started_at, leg_id);
CREATE INDEX IF NOT EXISTS usage_legs_start ON usage_legs (service_id, started_at, leg_id);

CREATE TABLE IF NOT EXISTS usage_recordings (
    service_id    text NOT NULL,
    recording_id  uuid NOT NULL,
    part_index    integer NOT NULL,
    tenant_id     uuid NOT NULL,
    meeting_id    uuid NOT NULL,
    -- 'mixed', 'audio' or 'video' (a meeting recorded as separate audio and video counts both)
    kind          text NOT NULL,
    started_at    timestamptz NOT NULL,
    seconds       double precision NOT NULL,
    -- What is stored (sealed, encrypted) for the part.
    bytes         bigint NOT NULL,
    written_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, recording_id, part_index));
CREATE INDEX IF NOT EXISTS usage_recordings_tenant_start ON usage_recordings (service_id, tenant_id, started_at);

CREATE OR REPLACE FUNCTION usage_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'usage records are append-only (% on %)', TG_OP, TG_TABLE_NAME;
END $$;

DROP TRIGGER IF EXISTS usage_legs_append_only ON usage_legs;
CREATE TRIGGER usage_legs_append_only BEFORE UPDATE OR DELETE ON usage_legs
    FOR EACH ROW EXECUTE FUNCTION usage_append_only();
DROP TRIGGER IF EXISTS usage_recordings_append_only ON usage_recordings;
CREATE TRIGGER usage_recordings_append_only BEFORE UPDATE OR DELETE ON usage_recordings
    FOR EACH ROW EXECUTE FUNCTION usage_append_only();
