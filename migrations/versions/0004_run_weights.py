"""the final weight of each response per computation run

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('run_weight',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_run_weight_response_id_response')),
    sa.ForeignKeyConstraint(['run_id'], ['computation_run.id'], name=op.f('fk_run_weight_run_id_computation_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('run_id', 'response_id', name=op.f('pk_run_weight'))
    )


def downgrade():
    op.drop_table('run_weight')
