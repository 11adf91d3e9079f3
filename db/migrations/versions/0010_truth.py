"""Letters are seen where they were posted: channel rosters cached from Slack, and letters open to everyone

Revision ID: 0010_truth
Revises: 0009_delivery
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0010_truth"
down_revision = "0009_delivery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("open_to_workspace", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "channel_rosters",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("fetched_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("readable", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "channel_id", name=op.f("pk_channel_rosters")),
    )
    op.create_table(
        "channel_members",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id", "channel_id"],
            ["channel_rosters.team_id", "channel_rosters.channel_id"],
            name=op.f("fk_channel_members_team_id_channel_rosters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "channel_id", "user_id", name=op.f("pk_channel_members")),
    )


def downgrade() -> None:
    op.drop_table("channel_members")
    op.drop_table("channel_rosters")
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("open_to_workspace")
