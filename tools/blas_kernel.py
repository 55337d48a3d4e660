"""Which OpenBLAS kernel NumPy runs, as threadpoolctl reports it.

    python tools/blas_kernel.py                 print the kernel of this environment
    python tools/blas_kernel.py --other CORE... print the first OPENBLAS_CORETYPE of CORE...
                                                that really runs another kernel than this
                                                environment's (exit 1 if none does)

`make nbval-other-cpu` uses the second form, so that the second strict nbval run is known to
exercise a different kernel (the digits of a matrix product may differ between kernels).
"""
import json
import os
import subprocess
import sys

PROBE = ("import json, numpy, threadpoolctl; "
         "print(json.dumps([i.get('architecture') for i in threadpoolctl.threadpool_info() "
         "if i.get('internal_api') == 'openblas']))")


def kernel(coretype=None):
    """The OpenBLAS architecture NumPy uses in a fresh interpreter with OPENBLAS_CORETYPE set."""
    env = dict(os.environ)
    if coretype is not None:
        env["OPENBLAS_CORETYPE"] = coretype
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, check=True,
                         capture_output=True, text=True).stdout
    found = json.loads(out)
    if not found:
        raise SystemExit("blas_kernel: NumPy does not use OpenBLAS here; nothing to switch")
    return found[0]


def main(argv):
    here = kernel()
    if argv[:1] != ["--other"]:
        print(here)
        return 0
    for core in argv[1:]:
        other = kernel(core)
        if other != here:
            print(f"OpenBLAS kernel: {here} by default, {other} with OPENBLAS_CORETYPE={core}",
                  file=sys.stderr)
            print(core)
            return 0
        print(f"OPENBLAS_CORETYPE={core} runs {other}, the default kernel here: trying the next",
              file=sys.stderr)
    print(f"blas_kernel: none of {argv[1:]} runs another kernel than {here}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
