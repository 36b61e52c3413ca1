"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 22:21:14.576246
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('instrument_versions',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('instrument_id', sa.String(length=100), nullable=False),
    sa.Column('version', sa.String(length=50), nullable=False),
    sa.Column('source_yaml', sa.Text(), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_instrument_versions'))
    )
    with op.batch_alter_table('instrument_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instrument_versions_instrument_id'), ['instrument_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('api_token_hash', sa.String(length=64), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'analyst')", name=op.f('ck_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('api_token_hash', name=op.f('uq_users_api_token_hash')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('instrument_sha256', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('presets', sa.JSON(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.CheckConstraint("mode IN ('codes', 'open')", name=op.f('ck_surveys_mode')),
    sa.ForeignKeyConstraint(['instrument_sha256'], ['instrument_versions.sha256'], name=op.f('fk_surveys_instrument_sha256_instrument_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys')),
    sa.UniqueConstraint('slug', name=op.f('uq_surveys_slug'))
    )
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveys_instrument_sha256'), ['instrument_sha256'], unique=False)

    op.create_table('responses',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('group_values', sa.JSON(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=True),
    sa.Column('resume_hash', sa.String(length=64), nullable=True),
    sa.Column('last_page', sa.String(length=100), nullable=True),
    sa.CheckConstraint("status IN ('in_progress', 'submitted')", name=op.f('ck_responses_status')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_responses_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responses')),
    sa.UniqueConstraint('resume_hash', name=op.f('uq_responses_resume_hash'))
    )
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index('ix_responses_survey_status', ['survey_id', 'status'], unique=False)

    op.create_table('survey_grants',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_grants_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_grants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'survey_id', name=op.f('pk_survey_grants'))
    )
    with op.batch_alter_table('survey_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_grants_survey_id'), ['survey_id'], unique=False)

    op.create_table('access_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('batch_id', sa.String(length=36), nullable=False),
    sa.Column('response_id', sa.String(length=36), nullable=True),
    sa.CheckConstraint("status IN ('unused', 'started', 'spent')", name=op.f('ck_access_codes_status')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_access_codes_response_id_responses'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_access_codes_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_access_codes_code_hash')),
    sa.UniqueConstraint('response_id', name=op.f('uq_access_codes_response_id'))
    )
    with op.batch_alter_table('access_codes', schema=None) as batch_op:
        batch_op.create_index('ix_access_codes_survey_batch', ['survey_id', 'batch_id'], unique=False)

    op.create_table('answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.String(length=36), nullable=False),
    sa.Column('item_id', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('multi', sa.Boolean(), nullable=False),
    sa.Column('code', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.CheckConstraint('(code IS NULL) <> (text IS NULL)', name=op.f('ck_answers_code_or_text')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_answers_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers')),
    sa.UniqueConstraint('response_id', 'item_id', 'position', name='uq_answers_response_item')
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answers_response_id'), ['response_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answers_response_id'))

    op.drop_table('answers')
    with op.batch_alter_table('access_codes', schema=None) as batch_op:
        batch_op.drop_index('ix_access_codes_survey_batch')

    op.drop_table('access_codes')
    with op.batch_alter_table('survey_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_grants_survey_id'))

    op.drop_table('survey_grants')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('ix_responses_survey_status')

    op.drop_table('responses')
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveys_instrument_sha256'))

    op.drop_table('surveys')
    op.drop_table('users')
    with op.batch_alter_table('instrument_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instrument_versions_instrument_id'))

    op.drop_table('instrument_versions')
