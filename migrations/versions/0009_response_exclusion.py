"""a researcher's exclusion of a response from indicator computation, with its reason

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-04 15:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('excluded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('exclusion_reason', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('excluded_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_response_excluded_by_id_user_account'), 'user_account', ['excluded_by_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_response_excluded_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('excluded_by_id')
        batch_op.drop_column('exclusion_reason')
        batch_op.drop_column('excluded_at')
