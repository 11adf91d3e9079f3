"""Organization types stored as codes (shown in each reader's language) instead of English labels

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LABELS = {
    "community": "Community-based organization",
    "advocacy": "Advocacy or policy organization",
    "legal": "Legal services provider",
    "service": "Service provider",
    "faith": "Faith-based organization",
    "labor": "Labor union",
    "student": "Student or youth group",
    "academic": "Academic institution",
    "business": "Business",
    "government": "Government or elected office",
    "other": "Other",
}


def _rename(pairs: dict[str, str]) -> None:
    signatories = sa.table("signatories", sa.column("org_type", sa.String))
    for old, new in pairs.items():
        op.execute(signatories.update().where(signatories.c.org_type == old).values(org_type=new))


def upgrade() -> None:
    _rename({label: code for code, label in LABELS.items()})


def downgrade() -> None:
    _rename(LABELS)
