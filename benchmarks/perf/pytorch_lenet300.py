"""PyTorch peer for the performance report: dense LeNet-300-100, batch 100, SGD with momentum, random
Fashion-MNIST-shaped data on pre-built batches, timed at several intra-op thread settings (torch's default, one,
and every core); the fastest is the peer. Also times torch.matmul on the shapes of the training step's products.
Prints one JSON line. Optional: needs python3-torch (Debian) and is never a test dependency."""
import argparse
import json
import os
import time

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int, default=300)
parser.add_argument("--repeats", type=int, default=3)
args = parser.parse_args()

DEFAULT_THREADS = torch.get_num_threads()
CORES = os.cpu_count() or 1


def epoch_seconds(threads):
    """Seconds per 60k-sample epoch at `threads` intra-op threads: the best of `repeats` timed blocks."""
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(), nn.Linear(100, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    batches = [(torch.rand(100, 784), torch.randint(0, 10, (100,))) for _ in range(10)]

    def step(i):
        x, y = batches[i % len(batches)]
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    for i in range(20):
        step(i)
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        for i in range(args.steps):
            step(i)
        best = min(best, time.perf_counter() - start)
    return 600 * best / args.steps


# (name, m, n, k, transpose_a, transpose_b): C[m, n] = op(A) · op(B), the products of a LeNet-300-100 step
SHAPES = [
    ("fc1 forward x·W", 100, 300, 784, False, False),
    ("fc1 dW = xᵀ·dY", 784, 300, 100, True, False),
    ("fc2 forward x·W", 100, 100, 300, False, False),
    ("fc2 dW = xᵀ·dY", 300, 100, 100, True, False),
    ("fc2 dX = dY·Wᵀ", 100, 300, 100, False, True),
]


def matmul_gflops(threads):
    torch.set_num_threads(threads)
    rows = []
    for name, m, n, k, ta, tb in SHAPES:
        a = torch.rand(k, m) if ta else torch.rand(m, k)
        b = torch.rand(n, k) if tb else torch.rand(k, n)
        op_a = a.t() if ta else a
        op_b = b.t() if tb else b
        for _ in range(20):
            torch.matmul(op_a, op_b)
        reps = max(20, int(2e9 / (2 * m * n * k)))
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            for _ in range(reps):
                torch.matmul(op_a, op_b)
            best = min(best, (time.perf_counter() - start) / reps)
        rows.append({"name": name, "m": m, "n": n, "k": k, "transposeA": ta, "transposeB": tb, "gflops": 2 * m * n * k / best / 1e9})
    return rows


settings = sorted({DEFAULT_THREADS, 1, CORES})
epochs = [{"threads": t, "secondsPerEpoch": epoch_seconds(t)} for t in settings]
fastest = min(epochs, key=lambda e: e["secondsPerEpoch"])
kernels = matmul_gflops(fastest["threads"])
torch.set_num_threads(DEFAULT_THREADS)
print(json.dumps({
    "torch": torch.__version__,
    "defaultThreads": DEFAULT_THREADS,
    "blas": "OpenBLAS" if "openblas" in torch.__config__.show().lower() else "see torch.__config__.show()",
    "settings": epochs,
    "threads": fastest["threads"],
    "secondsPerEpoch": fastest["secondsPerEpoch"],
    "samplesPerSecond": 60000 / fastest["secondsPerEpoch"],
    "matmul": kernels,
}))
