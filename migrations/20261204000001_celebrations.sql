-- Celebrations: a short public post when a member completes a phase or reaches a challenge's
-- target. On by default; they go to `celebrate_channel`, or the weekly prompt channel when it
-- is not set, and nowhere when neither is.
ALTER TABLE servers
    ADD COLUMN celebrate         BOOLEAN NOT NULL DEFAULT true,
    ADD COLUMN celebrate_channel BIGINT;
