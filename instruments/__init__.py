"""The instruments as data: one YAML file per instrument and the JSON Schema
they obey (``instrument.schema.json``). Load them with ``surveys.loader``."""
