"""Diora: the catalog and orders history joins the messaging history (no schema change).

Revision ID: diora_0006_merge
Revises: diora_0004_orders, diora_0005_messages
Create Date: 2026-11-23

"""
from typing import Sequence, Union


# revision identifiers, used by Alembic.
revision: str = 'diora_0006_merge'
down_revision: Union[str, Sequence[str], None] = ('diora_0004_orders', 'diora_0005_messages')
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Nothing to change: both histories are applied."""


def downgrade() -> None:
    """Nothing to change."""
