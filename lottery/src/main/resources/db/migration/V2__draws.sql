-- The draw, held once per database. Whoever holds it first (a server, or a cluster's draw
-- coordinator) inserts this row in the transaction that reads the winners; a later holder (a
-- restarted server, a new singleton after a crash) finds it and answers with the same winners
-- (the bets are sealed) without announcing a second draw. Flyway applies this under its
-- advisory lock, so several servers starting at once are safe.
CREATE TABLE draws (
    id       integer     PRIMARY KEY CHECK (id = 1),
    bets     bigint      NOT NULL,
    drawn_at timestamptz NOT NULL DEFAULT now()
);
