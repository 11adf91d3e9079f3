"""The letter's document layout: signatory columns (auto, 1, 2) and grouping (none, org_type, state)

Revision ID: 0014_document_layout
Revises: 0013_truth_receipts
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_document_layout"
down_revision = "0013_truth_receipts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("document_columns", sa.String(length=8), server_default="auto", nullable=False))
        batch.add_column(sa.Column("document_grouping", sa.String(length=16), server_default="none", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("document_grouping")
        batch.drop_column("document_columns")
