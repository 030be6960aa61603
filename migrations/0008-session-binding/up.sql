-- Sessions bound to the dashboard password (security review #4): each
-- session carries a fingerprint of the password hash it was opened under;
-- a changed hash ends it. `authed_at` is when the operator last gave the
-- password in this session (login or re-entry before Reveal and rotation).
-- Sessions from before this migration have neither: they end at once
-- where a password is set.
ALTER TABLE sessions ADD COLUMN password_fp TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN authed_at INTEGER NOT NULL DEFAULT 0;
