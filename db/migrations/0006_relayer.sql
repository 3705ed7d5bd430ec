-- The relayer's delivery transactions keep their signed raw form: one recorded just before a crash
-- can then be broadcast by any replica, byte for byte the same transaction (never a second one
-- paying again), and a stuck one can be re-signed at its nonce with a higher fee. `destination`
-- names the domain the transaction delivers to.
ALTER TABLE tx_attempts ADD COLUMN raw bytea;
ALTER TABLE tx_attempts ADD COLUMN destination domain_id;
-- Attempts still in flight, for the confirmer and the nonce gap metric.
CREATE INDEX tx_attempts_pending ON tx_attempts (chain_id, signer, nonce) WHERE status = 'pending';

-- What justified each message a relayer submitted on a committee route: the metadata it sent
-- (merkle-tree hook, root, index, signatures) and the validator set and threshold that metadata
-- was built for. Kept so that `causeway verify message ID` can check the delivery again from the
-- database alone.
CREATE TABLE delivery_evidence (
  message_id bytes32 PRIMARY KEY,
  security_mode text NOT NULL,
  metadata bytea NOT NULL,
  validators bytea[] NOT NULL,
  threshold integer NOT NULL CHECK (threshold > 0),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
