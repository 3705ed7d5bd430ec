-- Where each watcher of an origin chain stands, so that a restart resumes with no gap and no block
-- read twice: the next block to read, and the hashes of recent blocks it read (those that held
-- messages and the last of each range), which tell a reorg when the chain no longer has them.
CREATE TABLE watch_cursors (
  chain_id bigint NOT NULL CHECK (chain_id > 0),
  stream text NOT NULL CHECK (stream <> ''),  -- what is watched there, e.g. "mailbox 0x..."
  next_block bigint NOT NULL CHECK (next_block >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain_id, stream)
);

CREATE TABLE watch_blocks (
  chain_id bigint NOT NULL,
  stream text NOT NULL,
  number bigint NOT NULL CHECK (number >= 0),
  hash bytea NOT NULL CHECK (octet_length(hash) = 32),
  PRIMARY KEY (chain_id, stream, number),
  FOREIGN KEY (chain_id, stream) REFERENCES watch_cursors ON DELETE CASCADE
);
