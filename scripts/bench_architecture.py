"""Architecture figures for `make bench` (imported by scripts/bench.py): validation and code generation of
a 200-node architecture, in process (they are pure functions; the HTTP layer is measured separately).

The drawing: one network of 22 subnets, each with a load balancer, three servers, a database and a cache
wired tier to tier, and a queue feeding a function per subnet at the root — 200 nodes, the wiring the
generators do most (security groups / NSG rules / firewall rules, IAM, event sources).
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from templates.architectures import Drawing, for_provider
from workspaces.architecture.validation import architecture_validate
from workspaces.generators.generate import code_generate

SUBNETS = 22
REPEATS = 5


def large_architecture() -> dict:
    drawing = Drawing("bench", "Bench")
    drawing.network("vnet", "Network", SUBNETS)
    for index in range(SUBNETS):
        subnet = f"subnet-{index}"
        drawing.subnet(subnet, f"Tier {index}", "vnet")
        drawing.block(f"lb-{index}", "internal_load_balancer", f"Balancer {index}", subnet)
        for server in range(3):
            drawing.block(f"vm-{index}-{server}", "virtual_machine", f"Server {index}-{server}", subnet)
            drawing.connect(f"lb-{index}", f"vm-{index}-{server}", "http")
        drawing.block(f"db-{index}", "relational_database", f"Database {index}", subnet)
        drawing.block(f"cache-{index}", "cache_store", f"Cache {index}", subnet)
        drawing.connect(f"vm-{index}-0", f"db-{index}")
        drawing.connect(f"vm-{index}-2", f"cache-{index}")
        drawing.block(f"queue-{index}", "message_queue", f"Queue {index}")
        drawing.block(f"fn-{index}", "function_compute", f"Worker {index}")
        drawing.connect(f"vm-{index}-1", f"queue-{index}", "event")
        drawing.connect(f"queue-{index}", f"fn-{index}", "event")
    drawing.block("logs", "monitoring", "Logs")
    return drawing.architecture()


def _median_ms(function, *args, **kwargs) -> float:
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        function(*args, **kwargs)
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1)


def measure_architecture() -> dict:
    base = large_architecture()
    results = {"nodes": len(base["nodes"]), "connections": len(base["connections"]), "repeats": REPEATS}
    for provider in ("aws", "azure", "gcp"):
        architecture = for_provider(base, provider)
        result = architecture_validate(architecture, provider=provider)
        if not result["valid"]:
            raise SystemExit(f"The bench architecture is invalid for {provider}: {result['errors'][:3]}")
        files = code_generate(architecture, generator="terraform", provider=provider, project_name="bench")
        results[provider] = {
            "validate_ms": _median_ms(architecture_validate, architecture, provider=provider),
            "generate_ms": _median_ms(
                code_generate, architecture, generator="terraform", provider=provider, project_name="bench"
            ),
            "main_tf_bytes": len(next(file.content for file in files if file.path == "main.tf").encode()),
        }
    return results


def print_architecture(results: dict) -> None:
    print(
        f"\nArchitecture of {results['nodes']} nodes / {results['connections']} connections "
        f"(median of {results['repeats']}, in process)"
    )
    print(f"{'provider':10} {'validate ms':>12} {'generate ms':>12} {'main.tf KB':>11}")
    for provider in ("aws", "azure", "gcp"):
        row = results[provider]
        size = row["main_tf_bytes"] / 1024
        print(f"{provider:10} {row['validate_ms']:>12.1f} {row['generate_ms']:>12.1f} {size:>11.0f}")


if __name__ == "__main__":
    print_architecture(measure_architecture())
