"""comms: chats, tickets, push outbox

Revision ID: invare_0005_comms
Revises: invare_0004_trade
Create Date: 2026-11-23 05:12:42.959137

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = 'invare_0005_comms'
down_revision: Union[str, Sequence[str], None] = 'invare_0004_trade'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('push_outbox',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('topic', sa.String(length=300), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('body', sa.String(length=4000), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('tokens', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_outbox'))
    )
    with op.batch_alter_table('push_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_outbox_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_push_outbox_topic_created_at', ['topic', 'created_at'], unique=False)

    op.create_table('tickets',
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('priority', sa.Enum('low', 'medium', 'high', 'urgent', name='ticket_priority', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('status', sa.Enum('open', 'in_progress', 'resolved', 'closed', name='ticket_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=False),
    sa.Column('assigned_to_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['users.id'], name=op.f('fk_tickets_assigned_to_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_tickets_created_by_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_index('ix_tickets_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_tickets_created_by_id_created_at', ['created_by_id', 'created_at'], unique=False)

    op.create_table('ticket_messages',
    sa.Column('ticket_id', sa.Uuid(), nullable=False),
    sa.Column('sender_id', sa.Uuid(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['sender_id'], ['users.id'], name=op.f('fk_ticket_messages_sender_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_messages_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_messages'))
    )
    with op.batch_alter_table('ticket_messages', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_messages_ticket_id_created_at', ['ticket_id', 'created_at'], unique=False)

    op.create_table('chats',
    sa.Column('topic', sa.String(length=300), nullable=True),
    sa.Column('status', sa.Enum('open', 'closed', name='chat_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=False),
    sa.Column('listing_id', sa.Uuid(), nullable=True),
    sa.Column('order_id', sa.Uuid(), nullable=True),
    sa.Column('shipping_tender_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_chats_created_by_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_chats_listing_id_listings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_chats_order_id_orders'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shipping_tender_id'], ['shipping_tenders.id'], name=op.f('fk_chats_shipping_tender_id_shipping_tenders'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chats'))
    )
    with op.batch_alter_table('chats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chats_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chats_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chats_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chats_shipping_tender_id'), ['shipping_tender_id'], unique=False)

    op.create_table('chat_messages',
    sa.Column('chat_id', sa.Uuid(), nullable=False),
    sa.Column('sender_id', sa.Uuid(), nullable=False),
    sa.Column('type', sa.Enum('text', 'image', 'video', 'audio', 'voice', 'file', name='chat_message_type', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('content', sa.Text(), nullable=True),
    sa.Column('attachment_url', sa.String(length=2048), nullable=True),
    sa.Column('attachment_name', sa.String(length=255), nullable=True),
    sa.Column('attachment_mime_type', sa.String(length=255), nullable=True),
    sa.Column('attachment_size', sa.BigInteger(), nullable=True),
    sa.Column('attachment_duration', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['chat_id'], ['chats.id'], name=op.f('fk_chat_messages_chat_id_chats'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_id'], ['users.id'], name=op.f('fk_chat_messages_sender_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_messages'))
    )
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.create_index('ix_chat_messages_chat_id_created_at', ['chat_id', 'created_at'], unique=False)

    op.create_table('chat_participants',
    sa.Column('chat_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['chat_id'], ['chats.id'], name=op.f('fk_chat_participants_chat_id_chats'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_chat_participants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_participants')),
    sa.UniqueConstraint('chat_id', 'user_id', name=op.f('uq_chat_participants_chat_id'))
    )
    with op.batch_alter_table('chat_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_participants_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('chat_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_participants_user_id'))

    op.drop_table('chat_participants')
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_messages_chat_id_created_at')

    op.drop_table('chat_messages')
    with op.batch_alter_table('chats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chats_shipping_tender_id'))
        batch_op.drop_index(batch_op.f('ix_chats_order_id'))
        batch_op.drop_index(batch_op.f('ix_chats_listing_id'))
        batch_op.drop_index(batch_op.f('ix_chats_created_by_id'))

    op.drop_table('chats')
    with op.batch_alter_table('ticket_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_messages_ticket_id_created_at')

    op.drop_table('ticket_messages')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_created_by_id_created_at')
        batch_op.drop_index('ix_tickets_created_at')
        batch_op.drop_index(batch_op.f('ix_tickets_assigned_to_id'))

    op.drop_table('tickets')
    with op.batch_alter_table('push_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_push_outbox_topic_created_at')
        batch_op.drop_index(batch_op.f('ix_push_outbox_created_at'))

    op.drop_table('push_outbox')
