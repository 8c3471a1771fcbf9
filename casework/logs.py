"""One logging configuration for every casework process (web, scheduler, CLI)."""

import logging
import logging.config

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    """Send casework's, uvicorn's and the scheduler's logs to stderr at the configured level."""
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"plain": {"format": FORMAT}},
            "handlers": {
                "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
            },
            "root": {"handlers": ["stderr"], "level": level},
            "loggers": {
                # casework logs each request itself, with its duration.
                "uvicorn.access": {"level": "WARNING", "propagate": True, "handlers": []},
                "uvicorn": {"level": level, "propagate": True, "handlers": []},
                "uvicorn.error": {"level": level, "propagate": True, "handlers": []},
                "sqlalchemy.engine": {"level": "WARNING"},
                "alembic": {"level": "WARNING"},
                "transitions": {"level": "WARNING"},
                "apscheduler": {"level": "WARNING"},
                # The PDF engine reports each font it loads and each style it ignores.
                "weasyprint": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"},
            },
        }
    )
