"""payments: payments of orders (Thawani, EdfaPay, recorded)

Revision ID: invare_0006_payments
Revises: invare_0005_comms
Create Date: 2026-11-23 06:59:45.118544

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'invare_0006_payments'
down_revision: Union[str, Sequence[str], None] = 'invare_0005_comms'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('payments',
    sa.Column('order_id', sa.Uuid(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('charged_amount', sa.Numeric(precision=14, scale=3), nullable=True),
    sa.Column('charged_currency', sa.String(length=3), nullable=True),
    sa.Column('method', sa.Enum('card', 'thawani', 'edfapay', 'offline', name='payment_record_method', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('status', sa.Enum('pending', 'authorized', 'settled', 'succeeded', 'failed', 'cancelled', 'refunded', name='payment_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('transaction_id', sa.String(length=255), nullable=True),
    sa.Column('provider_ref', sa.String(length=255), nullable=True),
    sa.Column('payer_email', sa.String(length=256), nullable=True),
    sa.Column('failure_reason', sa.String(length=500), nullable=True),
    sa.Column('created_by_user_id', sa.Uuid(), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_payments_created_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_payments_order_id_orders'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('ix_payments_order_id_created_at', ['order_id', 'created_at'], unique=False)
        batch_op.create_index('ix_payments_provider_ref', ['provider_ref'], unique=False)
        batch_op.create_index('ix_payments_status', ['status'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_status')
        batch_op.drop_index('ix_payments_provider_ref')
        batch_op.drop_index('ix_payments_order_id_created_at')

    op.drop_table('payments')
