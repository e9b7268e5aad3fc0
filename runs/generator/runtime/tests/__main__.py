"""python -m tests [--report report.json]: run the acceptance tests, optionally writing a JSON report.

The report maps every criterion id to {"status": "passed" | "failed", "output": "…"}.
"""

import argparse
import json
import re
import sys
import unittest

CRITERION = re.compile(r"test_ac_(\d{3})")


class ReportingResult(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = {}

    def _record(self, test, status, output=""):
        match = CRITERION.search(test.id())
        if match:
            self.criteria[f"AC-{match.group(1)}"] = {"status": status, "output": output[-2000:]}

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test, "failed", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test, "failed", self._exc_info_to_string(err, test))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--report")
    options = parser.parse_args()
    suite = unittest.defaultTestLoader.discover("tests", top_level_dir=".")
    result = unittest.TextTestRunner(resultclass=ReportingResult, verbosity=2).run(suite)
    if options.report:
        with open(options.report, "w") as handle:
            json.dump({"criteria": result.criteria, "tests_run": result.testsRun}, handle, indent=2)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
