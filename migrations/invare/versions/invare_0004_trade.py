"""trade: the wallet ledger, orders and escrow, bids, payments, carriers, shipments and tenders

Revision ID: invare_0004_trade
Revises: invare_0003_catalog
Create Date: 2026-11-23 05:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'invare_0004_trade'
down_revision: Union[str, Sequence[str], None] = 'invare_0003_catalog'
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

    op.create_table('orders',
    sa.Column('status', sa.Enum('pending', 'paid', 'shipped', 'delivered', 'completed', 'cancelled', name='order_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('buyer_company_id', sa.Uuid(), nullable=True),
    sa.Column('buyer_user_id', sa.Uuid(), nullable=True),
    sa.Column('seller_company_id', sa.Uuid(), nullable=True),
    sa.Column('seller_user_id', sa.Uuid(), nullable=True),
    sa.Column('buyer_party_id', sa.Uuid(), nullable=False),
    sa.Column('seller_party_id', sa.Uuid(), nullable=False),
    sa.Column('created_by_user_id', sa.Uuid(), nullable=True),
    sa.Column('payment_method', sa.Enum('points', 'card', 'thawani', 'edfapay', 'offline', name='payment_method', native_enum=False, create_constraint=True, length=16), nullable=True),
    sa.Column('total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('escrow_hours', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['buyer_company_id'], ['companies.id'], name=op.f('fk_orders_buyer_company_id_companies'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['buyer_party_id'], ['users.id'], name=op.f('fk_orders_buyer_party_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['buyer_user_id'], ['users.id'], name=op.f('fk_orders_buyer_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_orders_created_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['seller_company_id'], ['companies.id'], name=op.f('fk_orders_seller_company_id_companies'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['seller_party_id'], ['users.id'], name=op.f('fk_orders_seller_party_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['seller_user_id'], ['users.id'], name=op.f('fk_orders_seller_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_buyer_party_created', ['buyer_party_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_created_by_user_id'), ['created_by_user_id'], unique=False)
        batch_op.create_index('ix_orders_seller_party_created', ['seller_party_id', 'created_at'], unique=False)

    op.create_table('escrows',
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('payer_id', sa.Uuid(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('buyer_fee', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('status', sa.Enum('held', 'released', 'refunded', name='escrow_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_escrows_order_id_orders'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['payer_id'], ['users.id'], name=op.f('fk_escrows_payer_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escrows')),
    sa.UniqueConstraint('order_id', name=op.f('uq_escrows_order_id'))
    )
    with op.batch_alter_table('escrows', schema=None) as batch_op:
        batch_op.create_index('ix_escrows_status_expires_at', ['status', 'expires_at'], unique=False)

    op.create_table('order_fees',
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('side', sa.Enum('buyer', 'seller', name='fee_side', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('rate', sa.Numeric(precision=6, scale=4), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('amount_sar', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('amount_points', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_fees_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_fees')),
    sa.UniqueConstraint('order_id', 'side', name='uq_order_fees_order_side')
    )
    with op.batch_alter_table('order_fees', schema=None) as batch_op:
        batch_op.create_index('ix_order_fees_created_at_side', ['created_at', 'side'], unique=False)

    op.create_table('order_items',
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('listing_id', sa.Uuid(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_order_items_listing_id_listings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_items_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_items'))
    )
    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_items_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_items_order_id'), ['order_id'], unique=False)

    op.create_table('shipping_tenders',
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('chat_id', sa.Uuid(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('open', 'awarded', 'expired', 'closed', name='tender_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('selected_carrier_user_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_shipping_tenders_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['selected_carrier_user_id'], ['users.id'], name=op.f('fk_shipping_tenders_selected_carrier_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipping_tenders')),
    sa.UniqueConstraint('order_id', name=op.f('uq_shipping_tenders_order_id'))
    )
    with op.batch_alter_table('shipping_tenders', schema=None) as batch_op:
        batch_op.create_index('ix_shipping_tenders_status_expires_at', ['status', 'expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('shipping_tenders', schema=None) as batch_op:
        batch_op.drop_index('ix_shipping_tenders_status_expires_at')

    op.drop_table('shipping_tenders')
    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_items_order_id'))
        batch_op.drop_index(batch_op.f('ix_order_items_listing_id'))

    op.drop_table('order_items')
    with op.batch_alter_table('order_fees', schema=None) as batch_op:
        batch_op.drop_index('ix_order_fees_created_at_side')

    op.drop_table('order_fees')
    with op.batch_alter_table('escrows', schema=None) as batch_op:
        batch_op.drop_index('ix_escrows_status_expires_at')

    op.drop_table('escrows')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_seller_party_created')
        batch_op.drop_index(batch_op.f('ix_orders_created_by_user_id'))
        batch_op.drop_index('ix_orders_buyer_party_created')

    op.drop_table('orders')
    op.drop_index(op.f('ix_wallet_entries_order_id'), table_name='wallet_entries')
    op.drop_index('ix_wallet_entries_user_created', table_name='wallet_entries')
    op.drop_table('wallet_entries')
