"""Contacts are not trusted by being recorded: may_act marks the signer and the people they or a coordinator add

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signatory_contacts") as batch:
        batch.add_column(sa.Column("may_act", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("added_by", sa.String(length=32), nullable=True))
    contacts = sa.table("signatory_contacts", sa.column("is_signer", sa.Boolean), sa.column("may_act", sa.Boolean))
    # Until now any contact could act; from now on only signers keep that (the others can ask to be added).
    op.execute(contacts.update().where(contacts.c.is_signer.is_(True)).values(may_act=True))


def downgrade() -> None:
    with op.batch_alter_table("signatory_contacts") as batch:
        batch.drop_column("added_by")
        batch.drop_column("may_act")
