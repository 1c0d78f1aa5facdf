"""products: stored full-text search vector

Search ranked with ``to_tsvector(...)`` recomputed for every matching row. PostgreSQL now keeps the
vector in a generated column (``search_vector``, kept in step with name and description by the
database itself, so bulk loads and every writer stay correct) with a GIN index on it; the expression
index it replaces is dropped. SQLite searches with LIKE and gets nothing.

Revision ID: 5e1f0c7a3b92
Revises: 7c4d2a9e1b63
Create Date: 2026-11-23 01:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '5e1f0c7a3b92'
down_revision: Union[str, Sequence[str], None] = '7c4d2a9e1b63'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SEARCH_DOCUMENT = "to_tsvector('english', coalesce(name, '') || ' ' || coalesce(description, ''))"


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(f"ALTER TABLE products ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({SEARCH_DOCUMENT}) STORED")
    # fastupdate off: rows go straight into the index (no pending list that bulk loads leave behind
    # until the next vacuum and that makes the planner skip the index meanwhile).
    op.create_index('ix_products_search_vector', 'products', ['search_vector'], postgresql_using='gin',
                    postgresql_with={'fastupdate': 'off'})
    op.drop_index('ix_products_search', table_name='products')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.create_index('ix_products_search', 'products', [sa.text(SEARCH_DOCUMENT)], postgresql_using='gin')
    op.drop_index('ix_products_search_vector', table_name='products')
    op.drop_column('products', 'search_vector')
