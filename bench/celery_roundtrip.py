"""Celery round-trip benchmark for the brokers the template offers.

For each broker (the baked defaults: kombu's SQLAlchemy transport on SQLite, Redis, RabbitMQ) it
starts a real worker (prefork, 2 processes, the template's reliability settings: acks_late,
prefetch 1, JSON only), then measures

* latency: N sequential ``apply_async(...).get()`` round trips of a no-op task, p50/p95 in ms;
* throughput: M tasks published at once, tasks/second until every result is back;

and prints them next to a reference measured in the same run: a direct call of the same function.
The SQLite transport is measured twice: with kombu's polling interval (a look at the broker's
table a second) and with the interval a bake ships (``BROKER_POLLING_INTERVAL``, 0.1 s), set
the way the bake sets it, by a consumer bootstep.

Run it with a Python that has ``celery[redis]`` and SQLAlchemy (e.g. a baked redis project's venv):

    python bench/celery_roundtrip.py [--brokers sqlalchemy,redis,rabbitmq] [-n 200] [-m 500]

Redis and RabbitMQ are expected on 127.0.0.1 (6379, 5672 guest/guest); each run uses its own
queue name and deletes it afterwards.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from celery import Celery, bootsteps

HERE = Path(__file__).resolve().parent


def add(x: int, y: int) -> int:
    return x + y


#: The SQLite transport's polling interval a bake ships (tasks/settings.py), in seconds.
SHIPPED_POLLING_INTERVAL = 0.1


def make_app(
    broker_url: str, result_backend: str, queue: str, polling_interval: float | None = None
) -> Celery:
    """A Celery app with the template's reliability settings and the ``bench.add`` task; its
    workers poll a virtual transport every ``polling_interval`` seconds (None: kombu's)."""
    celery = Celery("celery_roundtrip", set_as_current=False)
    celery.conf.update(
        broker_url=broker_url,
        result_backend=result_backend,
        task_default_queue=queue,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
    )
    celery.task(name="bench.add")(add)
    if polling_interval is not None:

        class PollingInterval(bootsteps.StartStopStep):
            requires = ("celery.worker.consumer.connection:Connection",)

            def start(self, parent):
                parent.connection.transport.polling_interval = polling_interval

        celery.steps["consumer"].add(PollingInterval)
    return celery


# The worker's app (``celery -A celery_roundtrip worker``), configured by the parent through env.
app = make_app(
    os.environ.get("BENCH_BROKER_URL", "memory://"),
    os.environ.get("BENCH_RESULT_BACKEND", "cache+memory://"),
    os.environ.get("BENCH_QUEUE", "bench"),
    float(os.environ["BENCH_POLLING_INTERVAL"]) if "BENCH_POLLING_INTERVAL" in os.environ else None,
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def reference(rounds: int) -> dict:
    latencies = []
    for i in range(rounds):
        started = time.perf_counter()
        add(i, 1)
        latencies.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    for i in range(rounds * 100):
        add(i, 1)
    rate = rounds * 100 / (time.perf_counter() - started)
    return {"p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95), "rate": rate}


def urls(broker: str, folder: Path) -> tuple[str, str]:
    if broker == "sqlalchemy":
        return f"sqla+sqlite:///{folder}/broker.sqlite", f"db+sqlite:///{folder}/results.sqlite"
    if broker == "redis":
        return "redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1"
    if broker == "rabbitmq":
        return "amqp://guest:guest@127.0.0.1:5672//", f"db+sqlite:///{folder}/results.sqlite"
    raise SystemExit(f"unknown broker {broker!r}")


def measure(broker: str, rounds: int, burst: int, polling_interval: float | None = None) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{broker}-"))
    broker_url, backend = urls(broker, folder)
    queue = f"bench-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "BENCH_BROKER_URL": broker_url,
        "BENCH_RESULT_BACKEND": backend,
        "BENCH_QUEUE": queue,
    }
    if polling_interval is not None:
        env["BENCH_POLLING_INTERVAL"] = str(polling_interval)
    client = make_app(broker_url, backend, queue)
    add_task = client.tasks["bench.add"]
    log = folder / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "celery_roundtrip", "worker", "-c", "2",
             "--loglevel=WARNING", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-Q", queue],
            cwd=HERE, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        warm_up = add_task.apply_async((0, 0))  # returns once the worker is up
        warm_up.get(timeout=60, interval=0.01)
        warm_up.forget()
        latencies = []
        for i in range(rounds):
            started = time.perf_counter()
            result = add_task.apply_async((i, 1))
            assert result.get(timeout=30, interval=0.005) == i + 1
            latencies.append((time.perf_counter() - started) * 1000)
            result.forget()
        started = time.perf_counter()
        results = [add_task.apply_async((i, 1)) for i in range(burst)]
        for result in results:
            result.get(timeout=300, interval=0.005)
        rate = burst / (time.perf_counter() - started)
        for result in results:
            result.forget()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        with client.connection_for_write() as connection:
            channel = connection.default_channel
            channel.queue_delete(queue)
            if broker == "redis":
                bindings = (f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
                channel.client.delete(*bindings)
            if broker == "rabbitmq":
                channel.exchange_delete(queue)
    return {"p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95), "rate": rate}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brokers", default="sqlalchemy,redis,rabbitmq")
    parser.add_argument("-n", "--rounds", type=int, default=200, help="sequential round trips")
    parser.add_argument("-m", "--burst", type=int, default=500, help="tasks for the throughput")
    args = parser.parse_args()
    rows = [("direct call (reference)", reference(args.rounds))]
    for broker in args.brokers.split(","):
        # kombu's SQLAlchemy transport polls its table (once a second by default): fewer rounds
        # keep it short.
        rounds = min(args.rounds, 20) if broker == "sqlalchemy" else args.rounds
        burst = min(args.burst, 100) if broker == "sqlalchemy" else args.burst
        print(f"measuring {broker}: {rounds} round trips, {burst} tasks burst ...", flush=True)
        if broker == "sqlalchemy":
            rows.append(("celery sqlalchemy, 1 s poll", measure(broker, rounds, burst)))
            shipped = measure(broker, rounds, burst, SHIPPED_POLLING_INTERVAL)
            rows.append((f"celery sqlalchemy, {SHIPPED_POLLING_INTERVAL} s poll", shipped))
        else:
            rows.append((f"celery {broker}", measure(broker, rounds, burst)))
    print(f"\n{'':26} {'p50 ms':>10} {'p95 ms':>10} {'tasks/s':>12}")
    for name, row in rows:
        print(f"{name:26} {row['p50']:10.3f} {row['p95']:10.3f} {row['rate']:12.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
