"""test responses made through a draft's test link; fieldwork closed and reopened per published version

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questionnaire_draft', schema=None) as batch_op:
        batch_op.add_column(sa.Column('test_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_questionnaire_draft_test_token_hash'), ['test_token_hash'])
    with op.batch_alter_table('questionnaire_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fieldwork_closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('fieldwork_closed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_questionnaire_version_fieldwork_closed_by_id_user_account'),
            'user_account', ['fieldwork_closed_by_id'], ['id'],
        )
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_test', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('draft_id', sa.Integer(), nullable=True))
        batch_op.alter_column('version_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_response_draft_id'), ['draft_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_response_draft_id_questionnaire_draft'), 'questionnaire_draft', ['draft_id'], ['id'],
            ondelete='CASCADE',
        )
        batch_op.create_check_constraint(
            'version_or_draft',
            '(is_test AND draft_id IS NOT NULL AND version_id IS NULL) '
            'OR (NOT is_test AND draft_id IS NULL AND version_id IS NOT NULL)',
        )


def downgrade():
    op.execute(sa.text("DELETE FROM response WHERE is_test"))
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_response_version_or_draft'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_response_draft_id_questionnaire_draft'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_response_draft_id'))
        batch_op.alter_column('version_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('draft_id')
        batch_op.drop_column('is_test')
    with op.batch_alter_table('questionnaire_version', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_questionnaire_version_fieldwork_closed_by_id_user_account'), type_='foreignkey'
        )
        batch_op.drop_column('fieldwork_closed_by_id')
        batch_op.drop_column('fieldwork_closed_at')
    with op.batch_alter_table('questionnaire_draft', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_questionnaire_draft_test_token_hash'), type_='unique')
        batch_op.drop_column('test_token_hash')
