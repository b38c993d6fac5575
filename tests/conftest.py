"""Hypothesis profiles. CI (`HYPOTHESIS_PROFILE=ci`, set by .ci/run) runs the same
examples on every run, so a red CI always points at the change and not at a new random
draw; a developer's run (the default profile) keeps exploring new examples, and the
failures it finds are kept below as explicit `@example`s.

The shared helpers' `assert`s (tests/support, the hostile-input checks) are rewritten
like a test's, so a failing check inside them still shows its values."""

import os

import pytest
from hypothesis import settings

pytest.register_assert_rewrite("tests.support", "tests.model.hostile.refusals")

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
