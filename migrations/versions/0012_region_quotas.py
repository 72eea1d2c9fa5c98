"""quotas per region, set by an invitations sample file

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 19:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'region_quota',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('region', sa.String(length=80), nullable=False),
        sa.Column('quota', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['version_id'], ['questionnaire_version.id'], name=op.f('fk_region_quota_version_id_questionnaire_version')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_region_quota')),
        sa.UniqueConstraint('version_id', 'region', name=op.f('uq_region_quota_version_id')),
    )
    with op.batch_alter_table('region_quota', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_quota_version_id'), ['version_id'], unique=False)


def downgrade():
    with op.batch_alter_table('region_quota', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_quota_version_id'))
    op.drop_table('region_quota')
