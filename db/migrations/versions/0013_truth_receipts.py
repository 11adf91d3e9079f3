"""Receipts kept true: a revision per change a receipt shows, its in-place refresh claimed with a lease, and the
notices a signer gets when a coordinator merges or removes their organization; re-confirmation reminder rounds

Revision ID: 0013_truth_receipts
Revises: 0012_public_page
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0013_truth_receipts"
down_revision = "0012_public_page"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("reconfirm_round", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("signatories") as batch:
        batch.add_column(sa.Column("reconfirm_reminded", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("receipt_revision", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("receipt_shown_revision", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("refresh_claimed_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("refresh_lease_until", db.types.UTCDateTime(), nullable=True))
        batch.create_index(
            "ix_signatories_refresh", ["receipt_status", "receipt_shown_revision", "receipt_revision"], unique=False
        )
    op.create_table(
        "signatory_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signatory_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("into_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("lease_until", db.types.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", db.types.UTCDateTime(), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["signatory_id"],
            ["signatories.id"],
            name=op.f("fk_signatory_notices_signatory_id_signatories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["into_id"], ["signatories.id"], name=op.f("fk_signatory_notices_into_id_signatories"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatory_notices")),
        sa.UniqueConstraint(
            "signatory_id", "kind", "revision", name=op.f("uq_signatory_notices_signatory_id_kind_revision")
        ),
    )
    op.create_index("ix_signatory_notices_status", "signatory_notices", ["status"], unique=False)
    op.create_table(
        "receipt_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signatory_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("shown_revision", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("lease_until", db.types.UTCDateTime(), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["signatory_id"],
            ["signatories.id"],
            name=op.f("fk_receipt_copies_signatory_id_signatories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_copies")),
        sa.UniqueConstraint("channel", "ts", name=op.f("uq_receipt_copies_channel_ts")),
    )
    op.create_index("ix_receipt_copies_signatory", "receipt_copies", ["signatory_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_receipt_copies_signatory", table_name="receipt_copies")
    op.drop_table("receipt_copies")
    op.drop_index("ix_signatory_notices_status", table_name="signatory_notices")
    op.drop_table("signatory_notices")
    with op.batch_alter_table("signatories") as batch:
        batch.drop_index("ix_signatories_refresh")
        batch.drop_column("refresh_lease_until")
        batch.drop_column("refresh_claimed_by")
        batch.drop_column("receipt_shown_revision")
        batch.drop_column("receipt_revision")
        batch.drop_column("reconfirm_reminded")
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("reconfirm_round")
