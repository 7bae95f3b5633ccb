"""The objects one running product shares: settings, database, engine, forms."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine as DbEngine
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.engine import Engine
from app.services.forms import FormStore
from app.services.people import TokenSigner


@dataclass
class Runtime:
    settings: Settings
    db: DbEngine
    sessions: sessionmaker[Session]
    engine: Engine
    forms: FormStore
    tokens: TokenSigner
