"""Templates call functions through the quick context with Jinja2's own results, and the build uses it."""

from __future__ import annotations

from pathlib import Path

from jinja2 import DictLoader, Environment, pass_context, pass_environment, pass_eval_context

from sitegen.quickcall import QuickContext
from sitegen.templates import make_environment

# Every kind of callable a layout may meet: plain, marked, objects, macros; inside loops and blocks too.
TEMPLATE = """\
{% macro box(text) %}[{{ text }}{{ caller() if caller else '' }}]{% endmacro %}
plain {{ twice(2) }} {{ named(a=1, b=2) }} {{ lam('x') }} {{ counter.bump(3) }} {{ 'a-b'.partition('-') }}
builtin {{ biggest([3, 9, 4]) }} {{ range(3) | list }} {{ dict(x=1) }} {{ cycler('a', 'b').next() }}
{% for item in items %}
{% set inside = item * 2 %}
loop {{ seen(item) }} {{ keywords(item, k=1) }} {{ loop.cycle('odd', 'even') }} {{ box(item) }}
{% endfor %}
{% set outer = 'o' %}
marked {{ seen('s') }} {{ env_name() }} {{ eval_escape('<b>') }} {{ callable_object(5) }} {{ marked_object(5) }}
{% call box('c') %}inner{% endcall %}
stopped {{ stop() is defined }}
{% block body %}{% set in_block = 'y' %}block {{ seen('b') }} {{ keywords('b') }}{% endblock %}
"""


@pass_context
def seen(context, value):
    # Variables set in a loop or a block reach the context through Jinja2's extra arguments.
    return f"{value}:{context.get('inside', '-')}:{context.get('in_block', '-')}:{context.get('outer', '-')}"


@pass_environment
def env_name(environment):
    return f"trim={environment.trim_blocks}"


@pass_eval_context
def eval_escape(eval_context, text):
    return f"autoescape={eval_context.autoescape} {text}"


class Counter:
    def __init__(self):
        self.count = 0

    def bump(self, step):
        self.count += step
        return self.count


class CallableObject:
    def __call__(self, value):
        return value * 3


class MarkedObject:
    @pass_context
    def __call__(self, context, value):
        return f"{value}:{context.get('outer', '-')}"


def stop():
    raise StopIteration


def _render(context_class: type | None) -> str:
    env = Environment(loader=DictLoader({"page.html": TEMPLATE}), autoescape=True)
    if context_class is not None:
        env.context_class = context_class
    env.globals.update(
        twice=lambda value: value * 2,
        named=lambda **values: sorted(values.items()),
        lam=str.upper,
        counter=Counter(),
        biggest=max,
        seen=seen,
        keywords=lambda *args, **values: f"{'+'.join(args)} keys={'+'.join(sorted(values))}",
        env_name=env_name,
        eval_escape=eval_escape,
        callable_object=CallableObject(),
        marked_object=MarkedObject(),
        stop=stop,
        items=["a", "b", "c"],
    )
    return env.get_template("page.html").render()


def test_every_kind_of_call_gives_what_jinjas_own_context_gives():
    quick, plain = _render(QuickContext), _render(None)
    assert quick == plain
    # The template did reach each kind: loop variables seen, marked functions passed what they want.
    assert (
        "a:aa:-:-" in quick
        and "b:-:y:o" in quick
        and "s:-:-:o" in quick
        and "5:o" in quick
        and "autoescape=True" in quick
    )
    assert "stopped False" in quick and "a keys=k" in quick and "[cinner]" in quick and "trim=False" in quick


def test_plain_functions_get_none_of_jinjas_extra_arguments_in_loops_and_blocks():
    rendered = _render(QuickContext)
    assert rendered.endswith("block b:-:y:o b keys=")  # in the block: no _block_vars passed on
    assert "c keys=k " in rendered  # in the loop: no _loop_vars
    assert "_loop_vars" not in rendered and "_block_vars" not in rendered


def test_the_build_renders_through_the_quick_context(tmp_path: Path):
    (tmp_path / "layouts").mkdir()
    assert make_environment(tmp_path).context_class is QuickContext
