from tests.services.conftest import db

__all__ = ["db"]
