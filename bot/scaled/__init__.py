"""Own Words as a national service runs it, on one machine: a private PostgreSQL and Redis (from
Debian's packages, in var/scaled/, on free ports of 127.0.0.1), two Rasa servers, each with an
action server of its own, and the web app sending to both (`make run-scaled`, bot/scaled/run.py).
The fault suite across replicas (tests/test_faults_replicas.py) starts the same processes."""
