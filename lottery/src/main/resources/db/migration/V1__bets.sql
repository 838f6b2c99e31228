-- The PostgreSQL store (STORE = postgres). Flyway applies this once per database, under its
-- advisory lock, so several servers starting at once are safe.

-- How many bets each agency has stored: the resume offset a Welcome carries, and the guard
-- of every write (UPDATE ... WHERE agency = ? AND stored = ?), so a batch can never be stored
-- twice, whoever delivers it.
CREATE TABLE agency_counts (
    agency integer PRIMARY KEY,
    stored bigint  NOT NULL CHECK (stored >= 0)
);

-- One row per bet, as store_bets keeps it; ordinal is the bet's 1-based position in its
-- agency's file (the agency's order: export-bets sorts by it). No primary key on purpose: the
-- guarded count already makes each (agency, ordinal) unique, and a unique index on every row
-- measured 25% of the COPY's throughput.
CREATE TABLE bets (
    agency     integer NOT NULL,
    ordinal    bigint  NOT NULL,
    first_name text    NOT NULL,
    last_name  text    NOT NULL,
    document   text    NOT NULL,
    birthdate  date    NOT NULL,
    number     integer NOT NULL
);

-- The draw reads only winners (has_won: number 7574): a small partial index answers it
-- without touching the table, however many bets it holds.
CREATE INDEX bets_winners ON bets (agency, ordinal) INCLUDE (document) WHERE number = 7574;

-- The durable "all bets sent" marks.
CREATE TABLE finished_agencies (
    agency    integer     PRIMARY KEY,
    marked_at timestamptz NOT NULL DEFAULT now()
);
