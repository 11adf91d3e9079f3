"""Slack's OAuth installation and state tables (slack_sdk's own schema), for multi-workspace mode

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _tables() -> list[sa.Table]:
    metadata = sa.MetaData()
    return [
        SQLAlchemyInstallationStore.build_installations_table(metadata, SQLAlchemyInstallationStore.default_installations_table_name),
        SQLAlchemyInstallationStore.build_bots_table(metadata, SQLAlchemyInstallationStore.default_bots_table_name),
        SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, SQLAlchemyOAuthStateStore.default_table_name),
    ]


def upgrade() -> None:
    bind = op.get_bind()
    for table in _tables():
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(_tables()):
        table.drop(bind)
