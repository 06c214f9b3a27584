"""Scale data for benchmarks: `manage.py generate_data --profile province|city|tiny --seed N`.

Valid, deterministic (the same seed and reference day give the same rows) and fast (COPY on PostgreSQL, executemany on
SQLite, streamed in batches). Never used by `make run`, and never to be loaded into a production database: every
generated user signs in with the same published password.

Modules: `profiles` (sizes), `writer` (rows as tuples to the database, with their history rows), `world` (random
streams, reference day, regions, departments, people), then one module per app's tables in dependency order
(`registry_data`, `contract_data`, `evaluation_data`, `supervision_data`), and `run` (checks, stages, report).
"""

from portal.generator.profiles import PROFILES
from portal.generator.run import GenerationRefused, Report, generate, generated_data_present
from portal.generator.world import PASSWORD

__all__ = ["PASSWORD", "PROFILES", "GenerationRefused", "Report", "generate", "generated_data_present"]
