from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from api.errors import ServiceUnavailable


def check_database(session: Session) -> None:
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        session.rollback()
        raise ServiceUnavailable("The database is unreachable.", headers={"Retry-After": "5"}) from None
