"""accountability: what a case is about, corrective measures, survey answers, Protecteur findings

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-01 06:06:21.742883

ISO 10002: a body analyses what complaints are about and what it changed as a result; the
service declaration's results come from its survey, whose answers are kept apart from the
requester's identity (DESIGN §2.6, §2.8).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import casework.models.types


revision: str = '0012'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('case_classifications',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('service', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('commitment', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('root_cause', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('remedy', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('updated_at', casework.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_classifications_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_classifications'))
    )
    with op.batch_alter_table('case_classifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_classifications_service'), ['service'], unique=False)

    op.create_table('corrective_measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('created_at', casework.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_corrective_measures_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrective_measures'))
    )
    with op.batch_alter_table('corrective_measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrective_measures_case_id'), ['case_id'], unique=False)

    op.create_table('protecteur_findings',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('conclusion', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('recommendations', sa.Text(), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('recorded_at', casework.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_protecteur_findings_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_protecteur_findings'))
    )
    op.create_table('survey_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('service', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('aspect', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('rating', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('respondent', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('batch', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('created_at', casework.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_survey_answers_case_id_cases'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers'))
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index('ix_survey_answers_answered_on_service', ['answered_on', 'service'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_answers_batch'), ['batch'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_answers_case_id'), ['case_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answers_case_id'))
        batch_op.drop_index(batch_op.f('ix_survey_answers_batch'))
        batch_op.drop_index('ix_survey_answers_answered_on_service')

    op.drop_table('survey_answers')
    op.drop_table('protecteur_findings')
    with op.batch_alter_table('corrective_measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrective_measures_case_id'))

    op.drop_table('corrective_measures')
    with op.batch_alter_table('case_classifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_classifications_service'))

    op.drop_table('case_classifications')
