"""wallet: the points ledger

Revision ID: invare_0002_wallet
Revises: invare_0001_accounts
Create Date: 2026-11-23 05:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'invare_0002_wallet'
down_revision: Union[str, Sequence[str], None] = 'invare_0001_accounts'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'wallet_entries',
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.Enum('credit', 'freeze', 'refund', 'release', 'payout', name='wallet_entry_kind',
                                  native_enum=False, create_constraint=True, length=16), nullable=False),
        sa.Column('balance_delta', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('frozen_delta', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('order_id', sa.Uuid(), nullable=True),
        sa.Column('actor_id', sa.Uuid(), nullable=True),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_wallet_entries_actor_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_wallet_entries_user_id_users'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_wallet_entries')),
    )
    op.create_index('ix_wallet_entries_user_created', 'wallet_entries', ['user_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_wallet_entries_order_id'), 'wallet_entries', ['order_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_wallet_entries_order_id'), table_name='wallet_entries')
    op.drop_index('ix_wallet_entries_user_created', table_name='wallet_entries')
    op.drop_table('wallet_entries')
