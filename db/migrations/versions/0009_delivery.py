"""A letter's delivery and the messages every signer gets about it (thanks, the follow-up), once each

Revision ID: 0009_delivery
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0009_delivery"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letter_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("delivered_to", sa.String(length=500), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("public_link", sa.String(length=500), nullable=True),
        sa.Column("snapshot_number", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("delivered_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("progress_channel", sa.String(length=32), nullable=True),
        sa.Column("progress_ts", sa.String(length=32), nullable=True),
        sa.Column("progress_rendered", sa.String(length=64), nullable=True),
        sa.Column("response_text", sa.Text(), nullable=True),
        sa.Column("response_by", sa.String(length=32), nullable=True),
        sa.Column("response_at", db.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["letters.id"], name=op.f("fk_letter_deliveries_letter_id_letters"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_deliveries")),
        sa.UniqueConstraint("letter_id", name=op.f("uq_letter_deliveries_letter_id")),
    )
    op.create_table(
        "signer_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("lease_until", db.types.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", db.types.UTCDateTime(), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("file_shared", sa.Boolean(), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("sent_at", db.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["letters.id"], name=op.f("fk_signer_messages_letter_id_letters"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signer_messages")),
        sa.UniqueConstraint("letter_id", "kind", "user_id", name=op.f("uq_signer_messages_letter_id_kind_user_id")),
    )
    op.create_index("ix_signer_messages_status", "signer_messages", ["status", "not_before"])


def downgrade() -> None:
    op.drop_index("ix_signer_messages_status", table_name="signer_messages")
    op.drop_table("signer_messages")
    op.drop_table("letter_deliveries")
