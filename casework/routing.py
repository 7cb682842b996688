"""URL converters: ids in URLs must fit the database's integer columns."""

from werkzeug.routing import IntegerConverter

MAX_DATABASE_ID = 2**31 - 1  # PostgreSQL integer ids: a larger one is a 404, not an error


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` that answers 404 for numbers no database row can have, instead of an
    overflow error deep in the driver."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(map, *args, **kwargs)
