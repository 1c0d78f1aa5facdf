"""users.token_version (a password change or reset revokes older tokens); orders.refund_id

Revision ID: 7c4d2a9e1b63
Revises: 139a971cddf4
Create Date: 2026-11-23 01:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '7c4d2a9e1b63'
down_revision: Union[str, Sequence[str], None] = '139a971cddf4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('token_version', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('orders') as batch:
        batch.add_column(sa.Column('refund_id', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('orders') as batch:
        batch.drop_column('refund_id')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('token_version')
