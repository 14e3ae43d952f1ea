"""PyTorch peer for the performance report: dense LeNet-300-100, batch 100, SGD with momentum, random
Fashion-MNIST-shaped data. Prints one JSON line with samples per second and seconds per 60k-sample epoch.
Optional: needs python3-torch (Debian) and is never a test dependency."""
import argparse
import json
import time

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int, default=300)
args = parser.parse_args()

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
start = time.perf_counter()
for i in range(args.steps):
    step(i)
elapsed = time.perf_counter() - start
samples_per_second = args.steps * 100 / elapsed
print(json.dumps({
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
    "samplesPerSecond": samples_per_second,
    "secondsPerEpoch": 60000 / samples_per_second,
}))
