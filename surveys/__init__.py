"""The survey domain: instruments, waves, access codes, storage, datasets and the CLI.

Importing this package is cheap: submodules that need SQLAlchemy or Flask are
imported only where they are used, so `scoring` may use the instrument model.
"""
