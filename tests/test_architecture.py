"""The house drawn from its imports: one-way, without cycles (issue "One-way kernel").

import-linter's contracts (pyproject.toml, run by .ci/run) hold the layers; this test holds the whole
graph, imports inside functions included, to having no cycle at all, and the kernel to importing no app.
"""

import grimp

PACKAGES = ("hpregister", "compliance", "risks", "incidents", "bench")
DOMAIN_APPS = ("compliance", "risks", "incidents", "bench")


def import_graph():
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def strongly_connected(graph) -> list[set[str]]:
    """Tarjan's components of more than one module (or a module importing itself): each one is a cycle."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(module):
        index[module] = low[module] = counter[0]
        counter[0] += 1
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1 or module in graph.find_modules_directly_imported_by(module):
                found.append(component)

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_round_a_cycle():
    cycles = strongly_connected(import_graph())
    assert cycles == [], "import cycles: " + "; ".join(" ↔ ".join(sorted(c)) for c in cycles)


def test_the_kernel_imports_no_domain_app():
    graph = import_graph()
    reaching_up = [
        (kernel, imported)
        for kernel in graph.find_descendants("hpregister") | {"hpregister"}
        for imported in graph.find_modules_directly_imported_by(kernel)
        if imported.split(".")[0] in DOMAIN_APPS
    ]
    assert reaching_up == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("a", "b", "c"):
        graph.add_module(name)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="c")
    graph.add_import(importer="c", imported="a")
    assert strongly_connected(graph) == [{"a", "b", "c"}]
