from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from api.errors import ServiceUnavailable


def check_database(session: Session) -> None:
    """503 while the database cannot be reached (the request's teardown closes the failed session)."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        raise ServiceUnavailable("The database is unreachable.", headers={"Retry-After": "5"}) from None
