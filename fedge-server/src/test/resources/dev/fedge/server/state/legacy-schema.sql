-- fedge server state (SQLite; the same tables work on PostgreSQL).
-- Times are ISO-8601 UTC strings. Statements are separated by ';' at the end of a line.

-- Version of this schema, one row.
CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER NOT NULL
);

-- A run: a strategy + settings + a number of rounds.
CREATE TABLE IF NOT EXISTS runs (
  id               TEXT PRIMARY KEY,      -- run name, e.g. 'fashion-mnist-fedavg'
  model_group      TEXT NOT NULL,         -- model store group
  model_project    TEXT NOT NULL,         -- model store project
  rounds           INTEGER NOT NULL,      -- rounds asked for
  min_clients      INTEGER NOT NULL,      -- clients to wait for before each round
  min_results      INTEGER NOT NULL,      -- results a round needs to count
  round_timeout_ms INTEGER NOT NULL,      -- deadline of each round
  codec            TEXT NOT NULL,         -- wire codec of the updates
  settings         TEXT NOT NULL,         -- JSON object: strategy, dataset, model, lr, ...
  status           TEXT NOT NULL,         -- 'running' | 'finished' | 'failed'
  completed_rounds INTEGER NOT NULL DEFAULT 0, -- last round whose model and rows are saved
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);

-- One row per completed round, written in one transaction with its participants and metrics,
-- after the round's model is safely in the model store.
CREATE TABLE IF NOT EXISTS rounds (
  run_id          TEXT NOT NULL REFERENCES runs(id),
  round           INTEGER NOT NULL,
  accuracy        REAL,                   -- central (or clients') accuracy in [0, 1]; NULL = not measured
  loss            REAL,
  client_accuracy REAL,
  client_loss     REAL,
  train_loss      REAL,
  participants    INTEGER NOT NULL,       -- results aggregated
  failures        INTEGER NOT NULL,       -- clients that failed or were late
  seconds         REAL NOT NULL,          -- wall time
  model_key       TEXT NOT NULL,          -- 'group/project/round' in the model store
  model_sha256    TEXT,                   -- SHA-256 of the round's safetensors file
  completed_at    TEXT NOT NULL,
  PRIMARY KEY (run_id, round)
);

-- Who took part in a completed round and how it went.
CREATE TABLE IF NOT EXISTS participants (
  run_id       TEXT NOT NULL,
  round        INTEGER NOT NULL,
  client_id    TEXT NOT NULL,
  outcome      TEXT NOT NULL,             -- 'ok' | 'failed'
  num_examples INTEGER,                   -- training examples (ok only)
  reason       TEXT,                      -- why it failed (failed only)
  PRIMARY KEY (run_id, round, client_id)
);

-- Aggregated metrics of a completed round (strategy metrics such as train_loss, evaluation).
CREATE TABLE IF NOT EXISTS metrics (
  run_id TEXT NOT NULL,
  round  INTEGER NOT NULL,
  name   TEXT NOT NULL,
  value  REAL,
  PRIMARY KEY (run_id, round, name)
);

-- Registered devices, with their facts and latest telemetry.
CREATE TABLE IF NOT EXISTS devices (
  id                TEXT PRIMARY KEY,     -- client id, e.g. 'c3'
  name              TEXT NOT NULL UNIQUE, -- the device's stable name
  os                TEXT,
  arch              TEXT,
  cores             INTEGER,
  memory_bytes      INTEGER,
  heap_bytes        INTEGER,
  accelerator       TEXT,
  device_class      TEXT,                 -- raspberry-pi | jetson | gpu-desktop | mac | generic
  extra             TEXT,                 -- JSON object
  credential_sha256 TEXT,                 -- SHA-256 of the current credential (never the secret)
  revoked           INTEGER NOT NULL DEFAULT 0,
  remote_address    TEXT,
  registered_at     TEXT NOT NULL,
  last_seen_at      TEXT,
  cpu_temperature_c REAL,                 -- NULL = no sensor
  free_memory_bytes INTEGER,
  load_average      REAL,
  telemetry_at      TEXT
);

-- What happened: registered, rejected (upload refused, with the reason), failure (client failed
-- in a round), disconnected, round_completed, round_incomplete, run_started, run_resumed,
-- run_finished.
CREATE TABLE IF NOT EXISTS events (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  at        TEXT NOT NULL,
  kind      TEXT NOT NULL,
  run_id    TEXT,
  round     INTEGER,
  client_id TEXT,
  message   TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS events_kind ON events(kind);
CREATE INDEX IF NOT EXISTS events_run ON events(run_id, round);
