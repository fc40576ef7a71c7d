-- Accountability partners' threads (issue 22): what the fan-out needs to make exactly one
-- thread per group, whoever runs it and however often it restarts.

-- Set just before the request that creates the group's thread: after a crash, a group with
-- this set and no thread_id looks for its thread among the channel's active ones before
-- creating another (thread creation has no nonce).
ALTER TABLE partner_groups ADD COLUMN thread_requested_at TIMESTAMPTZ;
-- The thread is public because a private one was not possible in the channel.
ALTER TABLE partner_groups ADD COLUMN thread_public BOOLEAN NOT NULL DEFAULT false;

-- Added to the group's thread. A member who left the server before it was made is not; nor is
-- a hidden member when the thread had to be public.
ALTER TABLE partner_group_members ADD COLUMN in_thread BOOLEAN NOT NULL DEFAULT false;

-- Why the match's threads are public rather than private (what Waypoint lacked there), shown
-- by `/settings show`; cleared when the settings change.
ALTER TABLE partner_settings ADD COLUMN public_because TEXT;
