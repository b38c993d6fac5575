"""Shared fixtures for the backend tests."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(scope="module")
def single_thread_torch():
    """Run a module's tests on one torch thread. The scenes are small: on this 2-core
    machine a second intra-op thread buys nothing, and when other processes load the CPU,
    its spin-waiting makes the long traces up to 50x slower. Restored afterwards."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
