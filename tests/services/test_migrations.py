"""The migrations build exactly the schema the models describe (what autogenerate would add is a bug)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from db.engine import Database
from db.models import Base


def test_migrations_match_the_models(db: Database) -> None:
    ignored = {"slack_installations", "slack_bots", "slack_oauth_states"}  # slack_sdk's own tables
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)

    def of_slack_sdk(difference: tuple[object, ...]) -> bool:
        subject = difference[1]
        table = getattr(subject, "table", subject)
        return getattr(table, "name", None) in ignored

    real = [d for d in differences if not of_slack_sdk(d)]
    assert real == []
