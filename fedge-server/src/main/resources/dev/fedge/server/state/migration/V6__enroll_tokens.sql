-- Per-project device enrollment (issue 16): a device that registers with a project's enroll token
-- joins that project (devices.tenant), and that project's runs sample only its devices. Kept as
-- SHA-256 hashes only, like project_tokens; the secret is shown once. Separate from
-- project_tokens so that an enroll token never opens the HTTP API and an API token never enrolls.
CREATE TABLE enroll_tokens (
  token_sha256 TEXT PRIMARY KEY,         -- SHA-256 (hex) of the secret
  project      TEXT NOT NULL REFERENCES projects(name),
  name         TEXT NOT NULL,            -- what the token is for, e.g. 'lab-pis'
  created_at   TEXT NOT NULL,
  revoked_at   TEXT,                     -- NULL = valid
  UNIQUE (project, name)
);
