-- The write path's group commit in one statement (server/db/stores/message-batch.ts).
-- $1 is the batch as JSON text: [{ i, conversation_id, client_id, body, author_kind, author_id, author_name }].
-- 1. Lock every touched conversation, in id order (deadlock-free against other batches).
-- 2. Then, in a fresh snapshot (a volatile function takes one per statement in READ COMMITTED,
--    so it sees whatever the previous lock holders committed): insert the eligible messages,
--    numbered last_seq + row_number() per conversation, and move each conversation's cursor
--    and preview. Not inserted: client ids already stored, and appends not eligible for the
--    fast path (no open human session, a follow-up awaiting the visitor's answer, an agent
--    who does not hold the session). Returns the inserted rows.
-- One statement, so it commits or fails as a whole, with no BEGIN/COMMIT round trips.
CREATE FUNCTION parley_append_messages(batch text) RETURNS SETOF messages
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  appends jsonb := batch::jsonb;
BEGIN
  PERFORM 1 FROM conversations
    WHERE id IN (SELECT (a->>'conversation_id')::uuid FROM jsonb_array_elements(appends) a)
    ORDER BY id FOR UPDATE;
  RETURN QUERY
  WITH input AS (
    SELECT * FROM jsonb_to_recordset(appends)
      AS x(i int, conversation_id uuid, client_id uuid, body text, author_kind text, author_id text, author_name text)
  ), fresh AS (
    SELECT x.*, c.current_session_id, c.last_seq + row_number() OVER (PARTITION BY x.conversation_id ORDER BY x.i) AS seq
    FROM input x
    JOIN conversations c ON c.id = x.conversation_id
    JOIN sessions s ON s.conversation_id = c.id AND s.state IN ('bot', 'waiting', 'offered', 'active', 'wrap_up')
    WHERE s.state <> 'bot'
      AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = x.conversation_id AND m.client_id = x.client_id)
      AND ((x.author_kind = 'visitor' AND c.follow_up_agent_id IS NULL)
        OR (x.author_kind = 'agent' AND s.state IN ('active', 'wrap_up') AND s.agent_id::text = x.author_id))
  ), ins AS (
    INSERT INTO messages (conversation_id, seq, client_id, author_kind, author_id, author_name, kind, session_id, body)
    SELECT f.conversation_id, f.seq, f.client_id, f.author_kind::author_kind, f.author_id, f.author_name, 'text', f.current_session_id, f.body
    FROM fresh f
    -- The safety net only: every writer of a conversation's messages holds its lock.
    ON CONFLICT (conversation_id, client_id) DO NOTHING
    RETURNING *
  ), latest AS (
    SELECT DISTINCT ON (l.conversation_id) l.conversation_id, l.seq, l.body, l.author_kind, l.created_at
    FROM ins l ORDER BY l.conversation_id, l.seq DESC
  ), moved AS (
    UPDATE conversations c
    SET last_seq = latest.seq, last_message_text = latest.body, last_message_author_kind = latest.author_kind,
        last_message_at = latest.created_at, updated_at = now()
    FROM latest WHERE c.id = latest.conversation_id
    RETURNING c.id
  )
  SELECT * FROM ins;
END
$fn$;
