"""questionnaire drafts uploaded in the browser

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-04 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('questionnaire_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=80), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('source_format', sa.String(length=10), nullable=False),
    sa.Column('source_name', sa.String(length=255), nullable=False),
    sa.Column('source_bytes', sa.LargeBinary(), nullable=False),
    sa.Column('yaml_text', sa.Text(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_questionnaire_draft_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_draft')),
    sa.UniqueConstraint('instrument', 'version', name='uq_questionnaire_draft_number')
    )


def downgrade():
    op.drop_table('questionnaire_draft')
