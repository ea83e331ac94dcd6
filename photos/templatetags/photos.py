"""{% patients_see_photos as x %}: whether the clinic lets patients see their photos (the menu's link)."""

from django import template

from photos.access import patients_may_view

register = template.Library()


@register.simple_tag
def patients_see_photos() -> bool:
    return patients_may_view()
