"""Timing and memory helpers the benchmark scripts share (figures to read, never assertions)."""
import resource
import statistics
import time
import tracemalloc


def median_seconds(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved(fns, repeats, rounds=5):
    """Median over rounds of each function's median time, alternating the functions."""
    results = [[] for _ in fns]
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            results[i].append(median_seconds(fn, repeats))
    return [statistics.median(r) for r in results]


def peak_bytes(fn):
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def cores_busy(fn, calls):
    """CPU time of the process over wall time, over calls calls of fn: about 1.0 for code that
    runs on one core, up to the number of cores for code that keeps them all busy."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def faults_per_call(fn, calls):
    """Minor page faults per call of fn (memory the process maps, or gets back from the OS,
    and touches afresh), over calls calls."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        fn()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls
