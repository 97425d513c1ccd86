-- Projects (issue 16): tenants of one server. A project's tokens see only its runs, the models
-- those runs save, its devices, and the events of those; the administrator's token (the one the
-- server prints at first start, not stored here) sees everything. What existed before belongs to
-- the project 'default'. Tokens are kept as SHA-256 hashes only; the secret is shown once.
CREATE TABLE projects (
  name        TEXT PRIMARY KEY,          -- e.g. 'lab-a'
  quota_bytes BIGINT,                    -- model store quota; NULL = none
  created_at  TEXT NOT NULL
);

INSERT INTO projects(name, quota_bytes, created_at) VALUES ('default', NULL, '1970-01-01T00:00:00Z');

CREATE TABLE project_tokens (
  token_sha256 TEXT PRIMARY KEY,         -- SHA-256 (hex) of the secret
  project      TEXT NOT NULL REFERENCES projects(name),
  name         TEXT NOT NULL,            -- what the token is for, e.g. 'ci'
  role         TEXT NOT NULL,            -- 'owner' | 'member' | 'viewer'
  created_at   TEXT NOT NULL,
  revoked_at   TEXT,                     -- NULL = valid
  UNIQUE (project, name)
);

-- The project of each run and device. One statement per column: SQLite adds one column per
-- ALTER TABLE. A model (group/project in the model store) belongs to the project of the runs
-- that save it, and to 'default' when no run saves it.
ALTER TABLE runs ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default';
ALTER TABLE devices ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default';
