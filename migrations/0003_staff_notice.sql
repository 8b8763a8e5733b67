-- Issue 13: whether staff were told about a ticket, and where.
--   NULL            the notice is on its way (or the ticket predates this column)
--   'thread'        the notice opened the ticket's thread
--   'channel: WHY'  no thread could be created (WHY); the notice was posted
--                   in the staff channel itself
--   'failed: WHY'   staff were NOT notified: neither could be posted
ALTER TABLE tickets ADD COLUMN staff_notice TEXT;
