"""The tests mirror the packages: tests/workflows/ the pure rules, tests/casework/ the application
(api/, cli/, web/, services/, repositories/, security/ and its top-level modules),
tests/notifications/ the messages and letters, tests/benchmarks/ the benchmarks' loader."""

from pathlib import Path

# The checkout's root, for the files the tests read or write beside the code.
ROOT = Path(__file__).resolve().parent.parent
