#!/usr/bin/env python
"""Run the benchmark on SQLite and on PostgreSQL, each in a database of its own.

    .venv/bin/python bench/run.py [--small]   (results in bench/results-<vendor>.md)

PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/hpregister_bench) is dropped
and created again.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SIZES = ["--incidents", "100000", "--risks", "10000", "--subprocessors", "1000", "--deadline-rows", "1000000"]
SMALL = [
    "--incidents",
    "5000",
    "--risks",
    "1000",
    "--subprocessors",
    "100",
    "--deadline-rows",
    "20000",
    "--repeat",
    "5",
]


def run(env, name, sizes):
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "benchmark", "--yes", "--output", str(ROOT / "bench" / f"results-{name}.md"), *sizes],
        cwd=ROOT,
        env=env,
        check=True,
    )


def main():
    sizes = SMALL if "--small" in sys.argv else SIZES
    # Production-like: DEBUG off (cached templates), plain HTTP for the test client, no second factor.
    base = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-" + "x7Q" * 20,
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "OTP_REQUIRED": "0",
        "LOG_LEVEL": "WARNING",
    }
    only = [a for a in sys.argv[1:] if a in ("sqlite", "postgresql")] or ["sqlite", "postgresql"]

    if "sqlite" in only:
        var = ROOT / "var" / "bench"
        shutil.rmtree(var, ignore_errors=True)
        var.mkdir(parents=True)
        run({**base, "HPREGISTER_VAR_DIR": str(var)}, "sqlite", sizes)

    if "postgresql" in only:
        import psycopg

        url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hpregister_bench")
        admin_url, name = url.rsplit("/", 1)
        with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        run({**base, "DATABASE_URL": url, "HPREGISTER_VAR_DIR": str(ROOT / "var" / "bench-pg")}, "postgresql", sizes)


if __name__ == "__main__":
    main()
