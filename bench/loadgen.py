"""Open-loop load at a fixed rate, for the overload row, where every answer must be accounted for.

    python bench/loadgen.py --port P --path /api/v1/reports/ --body FILE --rate R --seconds S [--random-xff]

Unlike wrk (closed loop, and it drops the requests in flight when its time is up), this sends
request i at start + i/R whatever the server does, one connection per request (gunicorn's sync
workers close the connection after each answer anyway), waits for every answer, and prints one
JSON line: statuses, latency percentiles (all answers and per status), the receipt codes of the
201s, and the requests that got no answer at all.
"""

import argparse
import asyncio
import json
import random
import re
import time

CODE = re.compile(rb'"receipt_code"\s*:\s*"(\d+)"')


def pct(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, max(0, -(-len(values) * p // 100) - 1))]


async def one(args, body, results, limit):
    headers = [
        f"POST {args.path} HTTP/1.1",
        "Host: 127.0.0.1",
        "X-Forwarded-Proto: https",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        "Connection: close",
    ]
    if args.random_xff:
        headers.append(
            f"X-Forwarded-For: 10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"  # noqa: S311 - load, not secrets
        )
    request = ("\r\n".join(headers) + "\r\n\r\n").encode() + body
    async with limit:
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", args.port), args.timeout)
            writer.write(request)
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(), args.timeout)
            writer.close()
        except (OSError, TimeoutError) as exc:
            results.append(("error", type(exc).__name__, time.perf_counter() - started, None))
            return
    elapsed = time.perf_counter() - started
    try:
        status = int(raw.split(b" ", 2)[1])
    except (IndexError, ValueError):
        results.append(("error", "bad answer", elapsed, None))
        return
    match = CODE.search(raw) if status == 201 else None
    results.append(("answer", status, elapsed, match.group(1).decode() if match else None))


async def main(args):
    with open(args.body, "rb") as f:
        body = f.read()
    results, tasks = [], []
    limit = asyncio.Semaphore(args.max_open)
    total = int(args.rate * args.seconds)
    start = time.perf_counter()
    late = 0
    for i in range(total):
        due = start + i / args.rate
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        elif wait < -0.05:
            late += 1
        tasks.append(asyncio.create_task(one(args, body, results, limit)))
    sent_seconds = time.perf_counter() - start
    await asyncio.gather(*tasks)
    answers = [r for r in results if r[0] == "answer"]
    statuses, per_status = {}, {}
    for _, status, elapsed, _ in answers:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        per_status.setdefault(str(status), []).append(elapsed * 1000)
    errors = {}
    for _, kind, _, _ in (r for r in results if r[0] == "error"):
        errors[kind] = errors.get(kind, 0) + 1
    latencies = [r[2] * 1000 for r in answers]
    print(
        json.dumps(
            {
                "sent": total,
                "sent_seconds": sent_seconds,
                "offered_rps": total / sent_seconds,
                "late_sends": late,
                "statuses": statuses,
                "errors": errors,
                "latency_ms": {
                    "p50": pct(latencies, 50),
                    "p95": pct(latencies, 95),
                    "p99": pct(latencies, 99),
                    "max": max(latencies) if latencies else None,
                },
                "latency_ms_by_status": {
                    s: {"p50": pct(v, 50), "p95": pct(v, 95), "max": max(v)} for s, v in per_status.items()
                },
                "codes": [r[3] for r in answers if r[3]],
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--body", required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--random-xff", action="store_true")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--max-open", type=int, default=512)
    asyncio.run(main(parser.parse_args()))
