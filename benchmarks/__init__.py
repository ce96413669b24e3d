"""`make bench`: Own Words measured beside the stock Rasa 3.6 assistant (`rasa init`), both trained
and run in the same run on the same machine (benchmarks/__main__.py says what each figure is)."""
