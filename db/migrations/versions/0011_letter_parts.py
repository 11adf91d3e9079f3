"""The letter's parts around its text (date line, addressees, Re: line, salutation, closing, cc), per version

Revision ID: 0011_letter_parts
Revises: 0010_truth
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_letter_parts"
down_revision = "0010_truth"
branch_labels = None
depends_on = None

LINES = ("date_line", "re_line", "salutation", "closing")
BLOCKS = ("addressees", "cc")


def upgrade() -> None:
    with op.batch_alter_table("letter_versions") as batch:
        for name in LINES:
            batch.add_column(sa.Column(name, sa.String(length=300), nullable=True))
        for name in BLOCKS:
            batch.add_column(sa.Column(name, sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("letter_versions") as batch:
        for name in (*LINES, *BLOCKS):
            batch.drop_column(name)
