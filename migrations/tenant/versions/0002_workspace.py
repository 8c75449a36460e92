"""Workspace: clients, documents, insurer catalog, needs analyses, offers.

Revision ID: t0002
Revises: t0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "t0002"
down_revision = "t0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('insurer',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('legal_name', sa.String(length=250), nullable=True),
    sa.Column('registration', sa.String(length=100), nullable=True),
    sa.Column('siren', sa.String(length=9), nullable=True),
    sa.Column('address_line1', sa.String(length=200), nullable=True),
    sa.Column('address_line2', sa.String(length=200), nullable=True),
    sa.Column('postal_code', sa.String(length=10), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('website', sa.String(length=200), nullable=True),
    sa.Column('claims_email', sa.String(length=254), nullable=True),
    sa.Column('placement_channel', sa.String(length=10), nullable=False),
    sa.Column('placement_email', sa.String(length=254), nullable=True),
    sa.Column('api_endpoint', sa.String(length=500), nullable=True),
    sa.Column('api_secret', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name', name='uq_insurer_name')
    )
    op.create_table('line_setting',
    sa.Column('line', sa.String(length=20), nullable=False),
    sa.Column('tax_rate', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('line')
    )
    op.create_table('client',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('display_name', sa.String(length=250), nullable=False),
    sa.Column('sort_name', sa.String(length=250), nullable=False),
    sa.Column('search_vector', postgresql.TSVECTOR(), nullable=True),
    sa.Column('civility', sa.String(length=10), nullable=True),
    sa.Column('first_name', sa.String(length=100), nullable=True),
    sa.Column('last_name', sa.String(length=100), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('profession', sa.String(length=150), nullable=True),
    sa.Column('family_status', sa.String(length=20), nullable=True),
    sa.Column('legal_name', sa.String(length=250), nullable=True),
    sa.Column('siren', sa.String(length=9), nullable=True),
    sa.Column('siret', sa.String(length=14), nullable=True),
    sa.Column('naf_code', sa.String(length=6), nullable=True),
    sa.Column('legal_form', sa.String(length=60), nullable=True),
    sa.Column('turnover', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('headcount', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('address_line1', sa.String(length=200), nullable=True),
    sa.Column('address_line2', sa.String(length=200), nullable=True),
    sa.Column('postal_code', sa.String(length=10), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('payer_id', sa.BigInteger(), nullable=True),
    sa.Column('handler_id', sa.BigInteger(), nullable=True),
    sa.Column('aml_risk', sa.String(length=10), nullable=True),
    sa.Column('aml_reason', sa.Text(), nullable=True),
    sa.Column('aml_checks', sa.Text(), nullable=True),
    sa.Column('aml_checked_on', sa.Date(), nullable=True),
    sa.Column('marketing_consent', sa.Boolean(), nullable=False),
    sa.Column('marketing_consent_on', sa.Date(), nullable=True),
    sa.Column('held_elsewhere', postgresql.JSONB(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['handler_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['payer_id'], ['client.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference', name='uq_client_reference')
    )
    op.create_index('ix_client_city', 'client', ['city'], unique=False)
    op.create_index('ix_client_handler', 'client', ['handler_id'], unique=False)
    op.create_index('ix_client_search', 'client', ['search_vector'], unique=False, postgresql_using='gin')
    op.create_index('ix_client_siren', 'client', ['siren'], unique=False)
    op.create_index('ix_client_sort_name', 'client', ['sort_name', 'id'], unique=False)
    op.create_table('commission_agreement',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('insurer_id', sa.BigInteger(), nullable=False),
    sa.Column('line', sa.String(length=20), nullable=True),
    sa.Column('new_business_rate', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('renewal_rate', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('reference', sa.String(length=60), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['insurer_id'], ['insurer.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_commission_agreement_insurer', 'commission_agreement', ['insurer_id'], unique=False)
    op.create_table('insurer_contact',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('insurer_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('role', sa.String(length=100), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['insurer_id'], ['insurer.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_insurer_contact_insurer', 'insurer_contact', ['insurer_id'], unique=False)
    op.create_table('product',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('insurer_id', sa.BigInteger(), nullable=False),
    sa.Column('line', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('commission_rate', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('payment_options', postgresql.JSONB(), nullable=False),
    sa.Column('eligibility', postgresql.JSONB(), nullable=False),
    sa.Column('tariff', postgresql.JSONB(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['insurer_id'], ['insurer.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('insurer_id', 'code', name='uq_product_code')
    )
    op.create_index('ix_product_line', 'product', ['line', 'is_active'], unique=False)
    op.create_table('contact',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('client_id', sa.BigInteger(), nullable=False),
    sa.Column('civility', sa.String(length=10), nullable=True),
    sa.Column('first_name', sa.String(length=100), nullable=True),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=100), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_contact_client', 'contact', ['client_id'], unique=False)
    op.create_table('cross_sell_dismissal',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('client_id', sa.BigInteger(), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('dismissed_by_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['dismissed_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('client_id', 'rule', name='uq_cross_sell_dismissal')
    )
    op.create_table('document',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('client_id', sa.BigInteger(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('uploaded_by_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_document_client', 'document', ['client_id', 'kind'], unique=False)
    op.create_table('guarantee',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('product_id', sa.BigInteger(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=150), nullable=False),
    sa.Column('ceiling', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('deductible', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('exclusions', sa.Text(), nullable=True),
    sa.Column('is_option', sa.Boolean(), nullable=False),
    sa.Column('option_premium', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('product_id', 'code', name='uq_guarantee_code')
    )
    op.create_table('interaction',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('client_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('asked', sa.Text(), nullable=True),
    sa.Column('answered', sa.Text(), nullable=True),
    sa.Column('author_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_interaction_client', 'interaction', ['client_id', 'occurred_at'], unique=False)
    op.create_table('needs_analysis',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('client_id', sa.BigInteger(), nullable=False),
    sa.Column('line', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('insured_name', sa.String(length=250), nullable=True),
    sa.Column('risk', postgresql.JSONB(), nullable=False),
    sa.Column('wanted', postgresql.JSONB(), nullable=False),
    sa.Column('budget', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('wanted_effective_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('completeness_waiver', sa.Text(), nullable=True),
    sa.Column('recommended_offer_id', sa.BigInteger(), nullable=True),
    sa.Column('recommendation_reasons', sa.Text(), nullable=True),
    sa.Column('compared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handler_id', sa.BigInteger(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['handler_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_needs_analysis_client', 'needs_analysis', ['client_id'], unique=False)
    op.create_table('task',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('client_id', sa.BigInteger(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('details', sa.Text(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('assignee_id', sa.BigInteger(), nullable=True),
    sa.Column('created_by_id', sa.BigInteger(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_task_assignee', 'task', ['assignee_id', 'done_at', 'due_on'], unique=False)
    op.create_index('ix_task_client', 'task', ['client_id'], unique=False)
    op.create_table('offer',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('needs_id', sa.BigInteger(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('product_id', sa.BigInteger(), nullable=True),
    sa.Column('insurer_id', sa.BigInteger(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('premium_net', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('fees', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('tax_rate', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('tax', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('payment_options', postgresql.JSONB(), nullable=False),
    sa.Column('guarantees', postgresql.JSONB(), nullable=False),
    sa.Column('exclusions', sa.Text(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('document_id', sa.BigInteger(), nullable=True),
    sa.Column('commission_rate', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('commission', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('breakdown', postgresql.JSONB(), nullable=False),
    sa.Column('fit_score', sa.Integer(), nullable=False),
    sa.Column('fit', postgresql.JSONB(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.BigInteger(), nullable=True),
    sa.Column('acceptance_note', sa.Text(), nullable=True),
    sa.Column('is_withdrawn', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['insurer_id'], ['insurer.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['needs_id'], ['needs_analysis.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_offer_needs', 'offer', ['needs_id'], unique=False)
    op.create_table('advice_document',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('needs_id', sa.BigInteger(), nullable=False),
    sa.Column('document_id', sa.BigInteger(), nullable=False),
    sa.Column('offer_id', sa.BigInteger(), nullable=True),
    sa.Column('generated_by_id', sa.BigInteger(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_to', sa.String(length=254), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['generated_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['needs_id'], ['needs_analysis.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_advice_document_needs', 'advice_document', ['needs_id'], unique=False)
    op.create_foreign_key('fk_needs_analysis_recommended_offer', 'needs_analysis', 'offer',
                          ['recommended_offer_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    op.drop_constraint('fk_needs_analysis_recommended_offer', 'needs_analysis', type_='foreignkey')
    op.drop_index('ix_advice_document_needs', table_name='advice_document')
    op.drop_table('advice_document')
    op.drop_index('ix_offer_needs', table_name='offer')
    op.drop_table('offer')
    op.drop_index('ix_task_client', table_name='task')
    op.drop_index('ix_task_assignee', table_name='task')
    op.drop_table('task')
    op.drop_index('ix_needs_analysis_client', table_name='needs_analysis')
    op.drop_table('needs_analysis')
    op.drop_index('ix_interaction_client', table_name='interaction')
    op.drop_table('interaction')
    op.drop_table('guarantee')
    op.drop_index('ix_document_client', table_name='document')
    op.drop_table('document')
    op.drop_table('cross_sell_dismissal')
    op.drop_index('ix_contact_client', table_name='contact')
    op.drop_table('contact')
    op.drop_index('ix_product_line', table_name='product')
    op.drop_table('product')
    op.drop_index('ix_insurer_contact_insurer', table_name='insurer_contact')
    op.drop_table('insurer_contact')
    op.drop_index('ix_commission_agreement_insurer', table_name='commission_agreement')
    op.drop_table('commission_agreement')
    op.drop_index('ix_client_sort_name', table_name='client')
    op.drop_index('ix_client_siren', table_name='client')
    op.drop_index('ix_client_search', table_name='client', postgresql_using='gin')
    op.drop_index('ix_client_handler', table_name='client')
    op.drop_index('ix_client_city', table_name='client')
    op.drop_table('client')
    op.drop_table('line_setting')
    op.drop_table('insurer')
