"""shipping: shipments (one per order) and carriers' offers on shipping tenders (one per carrier per tender)

Revision ID: invare_0007_shipping
Revises: invare_0006_payments
Create Date: 2026-11-23 07:00:48.250785

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'invare_0007_shipping'
down_revision: Union[str, Sequence[str], None] = 'invare_0006_payments'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('shipments',
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('carrier_user_id', sa.Uuid(), nullable=True),
    sa.Column('carrier', sa.String(length=100), nullable=True),
    sa.Column('tracking_number', sa.String(length=100), nullable=True),
    sa.Column('status', sa.Enum('pending', 'in_transit', 'delivered', 'cancelled', name='shipment_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('shipped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('picked_up_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['carrier_user_id'], ['users.id'], name=op.f('fk_shipments_carrier_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_shipments_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipments')),
    sa.UniqueConstraint('order_id', name=op.f('uq_shipments_order_id'))
    )
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.create_index('ix_shipments_carrier_user_created', ['carrier_user_id', 'created_at'], unique=False)

    op.create_table('shipping_offers',
    sa.Column('tender_id', sa.Uuid(), nullable=False),
    sa.Column('carrier_user_id', sa.Uuid(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('notes', sa.String(length=500), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['carrier_user_id'], ['users.id'], name=op.f('fk_shipping_offers_carrier_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tender_id'], ['shipping_tenders.id'], name=op.f('fk_shipping_offers_tender_id_shipping_tenders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipping_offers')),
    sa.UniqueConstraint('tender_id', 'carrier_user_id', name='uq_shipping_offers_tender_carrier')
    )
    with op.batch_alter_table('shipping_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipping_offers_carrier_user_id'), ['carrier_user_id'], unique=False)
        batch_op.create_index('ix_shipping_offers_tender_amount', ['tender_id', 'amount'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('shipping_offers', schema=None) as batch_op:
        batch_op.drop_index('ix_shipping_offers_tender_amount')
        batch_op.drop_index(batch_op.f('ix_shipping_offers_carrier_user_id'))

    op.drop_table('shipping_offers')
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_index('ix_shipments_carrier_user_created')

    op.drop_table('shipments')
