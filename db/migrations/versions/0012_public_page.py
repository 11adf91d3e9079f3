"""The public sign-on page: a letter's web settings, web sign-ons' links and checks, rate counts, emails

Revision ID: 0012_public_page
Revises: 0011_letter_parts
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0012_public_page"
down_revision = "0011_letter_parts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("web_enabled", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("web_token", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("web_show_list", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("web_require_approval", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("web_contact", sa.String(length=300), nullable=True))
        batch.create_unique_constraint("uq_letters_web_token", ["web_token"])
    with op.batch_alter_table("signatories") as batch:
        batch.add_column(sa.Column("web_nonce", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("verified_at", db.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("verified_by", sa.String(length=32), nullable=True))
    op.create_table(
        "web_rate_counts",
        sa.Column("bucket", sa.String(length=160), nullable=False),
        sa.Column("window_start", db.types.UTCDateTime(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start", name="pk_web_rate_counts"),
    )
    op.create_index("ix_web_rate_counts_window", "web_rate_counts", ["window_start"])
    op.create_table(
        "web_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signatory_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("lease_until", db.types.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", db.types.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("sent_at", db.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["signatory_id"],
            ["signatories.id"],
            name="fk_web_emails_signatory_id_signatories",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_web_emails"),
        sa.UniqueConstraint("signatory_id", "nonce", name="uq_web_emails_signatory_id_nonce"),
    )
    op.create_index("ix_web_emails_status", "web_emails", ["status"])


def downgrade() -> None:
    op.drop_index("ix_web_emails_status", table_name="web_emails")
    op.drop_table("web_emails")
    op.drop_index("ix_web_rate_counts_window", table_name="web_rate_counts")
    op.drop_table("web_rate_counts")
    with op.batch_alter_table("signatories") as batch:
        for name in ("verified_by", "verified_at", "web_nonce"):
            batch.drop_column(name)
    with op.batch_alter_table("letters") as batch:
        batch.drop_constraint("uq_letters_web_token", type_="unique")
        for name in ("web_contact", "web_require_approval", "web_show_list", "web_token", "web_enabled"):
            batch.drop_column(name)
