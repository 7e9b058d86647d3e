.PHONY: demo test setup bench contract loadtest lint audit lock vendor

demo: ## set everything up, load the demo county, run web + worker + beat
	scripts/setup.sh
	scripts/demo.sh

test: ## set everything up (with the headless browser) and run the whole suite
	scripts/setup.sh --test
	.venv/bin/ruff check .
	scripts/audit.sh
	.venv/bin/pytest -n 2 --dist loadgroup -p no:cacheprovider

setup:
	scripts/setup.sh

bench: ## benchmarks: large synthetic data, prints figures (not part of the suite)
	scripts/setup.sh
	GRIDCASE_PROFILE=dev .venv/bin/python manage.py bench locate --points $${POINTS:-1000000}
	GRIDCASE_PROFILE=dev .venv/bin/python manage.py bench cases --cases $${CASES:-1000000}

contract: ## the longer API contract run: every role and operation, 30 examples each, and the stateful phase
	scripts/setup.sh --test
	CONTRACT_EXAMPLES=$${EXAMPLES:-30} CONTRACT_STATEFUL=1 .venv/bin/pytest -p no:cacheprovider -s tests/api/test_contract.py

loadtest: ## bounded load tests (locust, loopback, ≤ 2 minutes): `make loadtest`, `make loadtest MIX=api`
	scripts/setup.sh
	scripts/loadtest.sh $(MIX)

lint:
	.venv/bin/ruff check .

audit: ## known vulnerabilities in the pinned Python packages (pip-audit)
	scripts/audit.sh

lock: ## re-pin requirements.lock from requirements.in
	python3.11 -m venv /tmp/gridcase-lock && /tmp/gridcase-lock/bin/pip install -q -r requirements.in
	{ echo "# Exact versions, generated from requirements.in by: make lock"; /tmp/gridcase-lock/bin/pip freeze; } > requirements.lock

vendor:
	scripts/vendor_js.sh
