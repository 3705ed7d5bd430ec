-- What a validator signed, kept before it is served, so that it never signs two different roots for
-- one index of an origin, across restarts. Rows are only appended, in index order per (validator,
-- origin); each carries a hash chaining it to the row before, so that an edited or deleted row is
-- seen when the validator starts.
CREATE TABLE signed_checkpoints (
  validator bytea NOT NULL CHECK (octet_length(validator) = 20),
  origin domain_id NOT NULL,
  idx bigint NOT NULL CHECK (idx >= 0 AND idx < 4294967296),
  merkle_tree_hook bytea NOT NULL CHECK (octet_length(merkle_tree_hook) = 32),
  root bytea NOT NULL CHECK (octet_length(root) = 32),
  message_id bytea NOT NULL CHECK (octet_length(message_id) = 32),
  signature bytea NOT NULL CHECK (octet_length(signature) = 65),
  chain_hash bytea NOT NULL CHECK (octet_length(chain_hash) = 32),
  signed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (validator, origin, idx)
);
