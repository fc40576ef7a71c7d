-- The server's name as its community page shows it. Discord is asked for it when staff turn
-- the pages on (running `on` again refreshes it); it is removed with the pages.
ALTER TABLE servers ADD COLUMN web_name TEXT CHECK (length(web_name) <= 100);
