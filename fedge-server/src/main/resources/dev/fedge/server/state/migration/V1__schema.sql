-- fedge server state, version 1: the schema that fedge used before versioned migrations (then in
-- schema.sql, with its own schema_version table). Flyway applies this to a new database; a state
-- file of that time is baselined at version 1 instead (StateStore). One script for SQLite and
-- PostgreSQL: BIGINT and DOUBLE PRECISION are 64-bit in both, and the placeholders spell what
-- differs (the events key; PostgreSQL has no implicit rowid, so runs and devices get one).
-- Times are ISO-8601 UTC strings.

-- A run: a strategy + settings + a number of rounds.
CREATE TABLE runs (
  ${rowid_column}
  id               TEXT PRIMARY KEY,      -- run name, e.g. 'fashion-mnist-fedavg'
  model_group      TEXT NOT NULL,         -- model store group
  model_project    TEXT NOT NULL,         -- model store project
  rounds           BIGINT NOT NULL,      -- rounds asked for
  min_clients      BIGINT NOT NULL,      -- clients to wait for before each round
  min_results      BIGINT NOT NULL,      -- results a round needs to count
  round_timeout_ms BIGINT NOT NULL,      -- deadline of each round
  codec            TEXT NOT NULL,         -- wire codec of the updates
  settings         TEXT NOT NULL,         -- JSON object: strategy, dataset, model, lr, ...
  status           TEXT NOT NULL,         -- 'running' | 'finished' | 'failed'
  completed_rounds BIGINT NOT NULL DEFAULT 0, -- last round whose model and rows are saved
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);

-- One row per completed round, written in one transaction with its participants and metrics,
-- after the round's model is safely in the model store.
CREATE TABLE rounds (
  run_id          TEXT NOT NULL REFERENCES runs(id),
  round           BIGINT NOT NULL,
  accuracy        DOUBLE PRECISION,                   -- central (or clients') accuracy in [0, 1]; NULL = not measured
  loss            DOUBLE PRECISION,
  client_accuracy DOUBLE PRECISION,
  client_loss     DOUBLE PRECISION,
  train_loss      DOUBLE PRECISION,
  participants    BIGINT NOT NULL,       -- results aggregated
  failures        BIGINT NOT NULL,       -- clients that failed or were late
  seconds         DOUBLE PRECISION NOT NULL,          -- wall time
  model_key       TEXT NOT NULL,          -- 'group/project/round' in the model store
  model_sha256    TEXT,                   -- SHA-256 of the round's safetensors file
  completed_at    TEXT NOT NULL,
  PRIMARY KEY (run_id, round)
);

-- Who took part in a completed round and how it went.
CREATE TABLE participants (
  run_id       TEXT NOT NULL,
  round        BIGINT NOT NULL,
  client_id    TEXT NOT NULL,
  outcome      TEXT NOT NULL,             -- 'ok' | 'failed'
  num_examples BIGINT,                   -- training examples (ok only)
  reason       TEXT,                      -- why it failed (failed only)
  PRIMARY KEY (run_id, round, client_id)
);

-- Aggregated metrics of a completed round (strategy metrics such as train_loss, evaluation).
CREATE TABLE metrics (
  run_id TEXT NOT NULL,
  round  BIGINT NOT NULL,
  name   TEXT NOT NULL,
  value  DOUBLE PRECISION,
  PRIMARY KEY (run_id, round, name)
);

-- Registered devices, with their facts and latest telemetry.
CREATE TABLE devices (
  ${rowid_column}
  id                TEXT PRIMARY KEY,     -- client id, e.g. 'c3'
  name              TEXT NOT NULL UNIQUE, -- the device's stable name
  os                TEXT,
  arch              TEXT,
  cores             BIGINT,
  memory_bytes      BIGINT,
  heap_bytes        BIGINT,
  accelerator       TEXT,
  device_class      TEXT,                 -- raspberry-pi | jetson | gpu-desktop | mac | generic
  extra             TEXT,                 -- JSON object
  credential_sha256 TEXT,                 -- SHA-256 of the current credential (never the secret)
  revoked           BIGINT NOT NULL DEFAULT 0,
  remote_address    TEXT,
  registered_at     TEXT NOT NULL,
  last_seen_at      TEXT,
  cpu_temperature_c DOUBLE PRECISION,                 -- NULL = no sensor
  free_memory_bytes BIGINT,
  load_average      DOUBLE PRECISION,
  telemetry_at      TEXT
);

-- What happened: registered, rejected (upload refused, with the reason), failure (client failed
-- in a round), disconnected, round_completed, round_incomplete, run_started, run_resumed,
-- run_finished.
CREATE TABLE events (
  id        ${event_id},
  at        TEXT NOT NULL,
  kind      TEXT NOT NULL,
  run_id    TEXT,
  round     BIGINT,
  client_id TEXT,
  message   TEXT NOT NULL
);

CREATE INDEX events_kind ON events(kind);
CREATE INDEX events_run ON events(run_id, round);
