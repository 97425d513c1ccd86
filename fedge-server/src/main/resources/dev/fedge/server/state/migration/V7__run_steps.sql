-- The steps of a run spec's pipeline (issue 16: check, data, train, evaluate, serve): one row per
-- step of a run, in order, written as each step starts and ends, so that the API and the
-- dashboard show them and a restarted server resumes at the first step that is not done. A run
-- started without steps has no rows here.
CREATE TABLE run_steps (
  run_id      TEXT NOT NULL REFERENCES runs(id),
  position    BIGINT NOT NULL,           -- 0, 1, ... in the order the steps run
  step        TEXT NOT NULL,             -- 'check' | 'data' | 'train' | 'evaluate' | 'serve'
  options     TEXT NOT NULL,             -- JSON object: the step's options as the spec gave them
  status      TEXT NOT NULL,             -- 'pending' | 'running' | 'done' | 'failed' | 'skipped'
  started_at  TEXT,                      -- ISO-8601 UTC; NULL = not started
  finished_at TEXT,                      -- ISO-8601 UTC; NULL = not finished
  line        TEXT,                      -- what the step found or why it failed, one line
  PRIMARY KEY (run_id, step)
);
