"""Leases on every claimed row, retry bookkeeping, and where each receipt went

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signatories") as batch:
        batch.add_column(sa.Column("receipt_lease_until", db.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("receipt_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("receipt_not_before", db.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("receipt_channel", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("receipt_ts", sa.String(length=32), nullable=True))
    with op.batch_alter_table("channel_posts") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("not_before", db.types.UTCDateTime(), nullable=True))
    with op.batch_alter_table("reminder_deliveries") as batch:
        batch.add_column(sa.Column("lease_until", db.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("reminder_runs") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("reminder_runs") as batch:
        batch.drop_column("attempts")
    with op.batch_alter_table("reminder_deliveries") as batch:
        batch.drop_column("attempts")
        batch.drop_column("lease_until")
    with op.batch_alter_table("channel_posts") as batch:
        batch.drop_column("not_before")
        batch.drop_column("attempts")
    with op.batch_alter_table("signatories") as batch:
        for column in ("receipt_ts", "receipt_channel", "receipt_not_before", "receipt_attempts", "receipt_lease_until"):
            batch.drop_column(column)
