from django.apps import AppConfig


class PluginAppConfig(AppConfig):
    """A register type the kernel has never heard of: yearly inspections. It plugs in through the kernel's
    registries only; nothing in hpregister/ names it."""

    name = "tests.plugin_app"
    label = "plugin_app"

    def ready(self):
        from hpregister.inbox import queryset_source
        from hpregister.registry import Panel, SearchSource, dashboard_panels, search_sources, task_sources
        from hpregister.reminders import DeadlineKind, register

        from . import contributions

        dashboard_panels.register(
            Panel("plugin.inspections", "plugin_app/panel.html", contributions.panel, order=70, card=True)
        )
        search_sources.register(SearchSource("plugin.inspection", "Inspections", contributions.search, order=90))
        task_sources.register(
            queryset_source("plugin.inspection", "Inspection", contributions.my_inspections, contributions.task, 90)
        )
        register(
            DeadlineKind(
                name="plugin.inspection",
                label="Inspection",
                model=contributions.Inspection,
                due=contributions.due,
                current=contributions.current,
                action="Carry out the inspection.",
                thresholds="-7d, 0",
            )
        )
