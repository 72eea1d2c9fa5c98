"""interviewers: assignments to instruments, interviewer and instanceID on responses

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-04 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('interviewer_assignment',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], name=op.f('fk_interviewer_assignment_instrument_id_instrument')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_interviewer_assignment_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', 'instrument_id', name=op.f('pk_interviewer_assignment'))
    )
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interviewer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('instance_id', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_response_interviewer_id_user_account'), 'user_account', ['interviewer_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_response_instance_id'), ['instance_id'])


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_response_instance_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_response_interviewer_id_user_account'), type_='foreignkey')
        batch_op.drop_column('instance_id')
        batch_op.drop_column('interviewer_id')
    op.drop_table('interviewer_assignment')
