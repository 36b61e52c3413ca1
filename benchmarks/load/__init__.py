"""Shared parts of the load and fault benchmarks (and the production test):
``forms`` (reading our pages' forms like a browser), ``browser`` (an HTTP
client that sends what a browser sends), ``deployment`` (nginx, app
instances, PostgreSQL and Redis on loopback), ``stats`` (percentiles)."""
