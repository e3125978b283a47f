"""The deploy workflow: valid for GitHub Actions (schema shipped with check-jsonschema, offline), and it checks,
builds with the Pages address and deploys with the permissions Pages needs."""

import subprocess
import sys

import pytest
import yaml
from conftest import PROJECT

from sitegen.buildstate import INPUTS

WORKFLOW = PROJECT / ".github" / "workflows" / "deploy.yml"


@pytest.fixture(scope="module")
def workflow():
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow, job):
    return workflow["jobs"][job]["steps"]


def step_index(workflow, job, predicate):
    return next(i for i, step in enumerate(steps(workflow, job)) if predicate(step))


def validate(path):
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_workflow_matches_the_github_actions_schema():
    result = validate(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_catches_a_misspelt_key(tmp_path):
    broken = tmp_path / "deploy.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("runs-on:", "runs_on:"), encoding="utf-8")
    assert validate(broken).returncode != 0


def test_it_runs_on_push_to_main_and_every_day(workflow):
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    [schedule] = triggers["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert (day, month, weekday) == ("*", "*", "*")
    assert (int(hour) + 7) % 24 == 0  # midnight in Vietnam, so a post dated for a day appears that day


def test_it_has_the_permissions_and_concurrency_pages_needs(workflow):
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_the_strict_check_runs_before_the_build_with_the_pages_address(workflow):
    build_steps = steps(workflow, "build")
    pages = step_index(workflow, "build", lambda s: s.get("uses", "").startswith("actions/configure-pages@"))
    check = step_index(workflow, "build", lambda s: "build.py check --strict" in s.get("run", ""))
    build = step_index(workflow, "build", lambda s: "build.py build" in s.get("run", ""))
    upload = step_index(workflow, "build", lambda s: s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert pages < check < build < upload
    address = "${{ steps." + build_steps[pages]["id"] + ".outputs.base_url }}/"
    assert f'--base-url "{address}"' in build_steps[build]["run"]
    assert f'--base-url "{address}"' in build_steps[check]["run"]
    assert "--output public" in build_steps[build]["run"]
    assert build_steps[upload]["with"]["path"] == "public"
    # check, which has no --output, finds the last build's pages in site.yaml's output folder: the same one.
    assert yaml.safe_load((PROJECT / "site.yaml").read_text(encoding="utf-8"))["output_dir"] == "public"


def test_the_checkout_has_the_history_that_translation_dates_need(workflow):
    checkout = steps(workflow, "build")[0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0


def test_python_matches_the_project(workflow):
    setup = next(s for s in steps(workflow, "build") if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == "3.11"
    assert any(s.get("run", "").startswith("python -m pip install .") for s in steps(workflow, "build"))


def test_the_deploy_job_publishes_the_artifact_to_the_pages_environment(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    [step] = deploy["steps"]
    assert step["uses"].startswith("actions/deploy-pages@")
    assert deploy["environment"]["url"] == "${{ steps." + step["id"] + ".outputs.page_url }}"


def test_every_action_is_pinned_to_a_major_version(workflow):
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                name, _, version = step["uses"].partition("@")
                assert version.startswith("v") and version[1:].isdigit(), step["uses"]


def test_the_last_deploys_build_cache_is_restored_before_the_check(workflow):
    cache = step_index(workflow, "build", lambda s: s.get("uses", "").startswith("actions/cache@"))
    check = step_index(workflow, "build", lambda s: "build.py check --strict" in s.get("run", ""))
    assert cache < check
    kept = steps(workflow, "build")[cache]["with"]
    assert kept["path"].split() == [".cache/build", ".cache/images", "public"]
    # The key follows every input of the build and the generator: a change saves a new entry, a run
    # with nothing changed saves none; without an entry for its own key, a run restores the newest.
    assert kept["key"].startswith(kept["restore-keys"])
    hashed = kept["key"].removeprefix(kept["restore-keys"])
    assert hashed.startswith("${{ hashFiles(") and "github.run" not in hashed
    inputs = {"'site.yaml'", "'content/**'", "'layouts/**'", "'static/**'", "'sitegen/**'", "'pyproject.toml'"}
    assert set(hashed.removeprefix("${{ hashFiles(").removesuffix(") }}").split(", ")) == inputs
    assert set(INPUTS) <= {name.strip("'").removesuffix("/**") for name in inputs}
