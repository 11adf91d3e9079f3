"""Languages: each person's Slack locale and chosen language, a letter's main language, its texts in other
languages (own title, own versions)

Revision ID: 0007_languages
Revises: 0006
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0007_languages"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("slack_users") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=16), nullable=True))
    # Every letter written so far is in English.
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), server_default="en", nullable=False))
    with op.batch_alter_table("letter_versions") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), server_default="en", nullable=False))
    op.create_table(
        "letter_translations",
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letters.id"],
            name=op.f("fk_letter_translations_letter_id_letters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("letter_id", "language", name=op.f("pk_letter_translations")),
    )
    op.create_table(
        "language_preferences",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_language_preferences")),
    )


def downgrade() -> None:
    op.drop_table("language_preferences")
    op.drop_table("letter_translations")
    with op.batch_alter_table("letter_versions") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("slack_users") as batch:
        batch.drop_column("locale")
