"""PostgreSQL: save a page's answers in one round trip

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 03:00:00

``save_page_answers`` does what ``Store.save_page`` did in a transaction of
four round trips (BEGIN, lock the response and move its last page, replace
the page's answers, COMMIT), called as one statement in autocommit. Each
statement inside a VOLATILE PL/pgSQL function takes a fresh snapshot, so
the replace, which runs after the response row is locked, sees the answers
of a save that held the lock before it: two tabs saving one page at once
still leave exactly one of their answer sets. Other databases keep the
transaction in Python (SQLite holds the write lock for the whole of it).
"""
from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SIGNATURE = (
    "save_page_answers(varchar, varchar, varchar[], varchar[], integer[], boolean[], integer[], text[])"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # search_path is fixed at creation (the schema the tables are in), so a
    # caller's search_path can neither break nor redirect the function.
    op.execute(
        """
        CREATE FUNCTION save_page_answers(
            p_response varchar, p_page varchar, p_items varchar[],
            p_item_ids varchar[], p_positions integer[], p_multis boolean[],
            p_codes integer[], p_texts text[]
        ) RETURNS boolean
        LANGUAGE plpgsql VOLATILE
        SET search_path FROM CURRENT
        AS $$
        BEGIN
            -- Locks the response row until the end of the call; a response
            -- no longer in progress (or unknown) changes nothing.
            UPDATE responses SET last_page = p_page
            WHERE id = p_response AND status = 'in_progress';
            IF NOT FOUND THEN
                RETURN false;
            END IF;
            -- The page's items get exactly the given rows: rows whose
            -- (response, item, position) exists are updated in place, the
            -- page's other old rows go.
            WITH up AS (
                INSERT INTO answers (response_id, item_id, position, multi, code, text)
                SELECT p_response, u.item_id, u.position, u.multi, u.code, u.text
                FROM unnest(p_item_ids, p_positions, p_multis, p_codes, p_texts)
                     AS u(item_id, position, multi, code, text)
                ON CONFLICT (response_id, item_id, position)
                DO UPDATE SET multi = EXCLUDED.multi, code = EXCLUDED.code, text = EXCLUDED.text
                RETURNING id
            )
            DELETE FROM answers
            WHERE response_id = p_response AND item_id = ANY(p_items)
              AND id NOT IN (SELECT id FROM up);
            RETURN true;
        END
        $$
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP FUNCTION {SIGNATURE}")
