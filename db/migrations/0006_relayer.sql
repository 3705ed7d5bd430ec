-- The relayer's delivery transactions keep their signed raw form: one recorded just before a crash
-- can then be broadcast by any replica, byte for byte the same transaction (never a second one
-- paying again), and a stuck one can be re-signed at its nonce with a higher fee. `destination`
-- names the domain the transaction delivers to.
ALTER TABLE tx_attempts ADD COLUMN raw bytea;
ALTER TABLE tx_attempts ADD COLUMN destination domain_id;
-- Attempts still in flight, for the confirmer and the nonce gap metric.
CREATE INDEX tx_attempts_pending ON tx_attempts (chain_id, signer, nonce) WHERE status = 'pending';
