"""Print one closing line from the JUnit reports; exit 1 when anything failed or nothing ran."""

import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path


def count(report_dir: Path) -> tuple[int, int, int]:
    passed = failed = skipped = 0
    for report in sorted(report_dir.rglob("*.xml")):
        root = ElementTree.parse(report).getroot()
        for suite in ([root] if root.tag == "testsuite" else root.iter("testsuite")):
            tests, skips = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
            failures = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            passed += tests - skips - failures
            failed += failures
            skipped += skips
    return passed, failed, skipped


def main() -> int:
    passed, failed, skipped = count(Path(sys.argv[1] if len(sys.argv) > 1 else "reports"))
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    if passed == 0:
        print("no test ran", file=sys.stderr)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
