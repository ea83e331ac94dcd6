"""`{% extension_blocks "slot" name=value ... %}`: what the apps above registered for this slot
(clinic/extensions.py), rendered in order; nothing when none did."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from clinic.extensions import blocks

register = template.Library()


@register.simple_tag(takes_context=True)
def extension_blocks(context, slot: str, **objects):
    request = context.get("request")
    return mark_safe("".join(conditional_escape(render(request, **objects)) for render in blocks(slot)))  # noqa: S308 - each part escaped or a rendered template
