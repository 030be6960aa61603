-- Which hub runs each periodic job (the switch, the daily jobs, the
-- registry check, the template refresh, the heartbeat, drift) until when:
-- hubs sharing this database take the job in turn, not all at once. The
-- holder renews its lease each tick; another hub takes the job once the
-- lease has run out (its holder died) or was given back (a graceful stop).
-- `term` grows with each change of holder.
CREATE TABLE job_leases (
    job      TEXT    PRIMARY KEY,
    holder   TEXT    NOT NULL,
    until_ms INTEGER NOT NULL,
    term     INTEGER NOT NULL
);
