"""{{ patient.phone|phone_text }} for people to read, {{ patient.phone|phone_tel }} for tel: links."""

from django import template

from clinic.phones import phone_e164, phone_text

register = template.Library()

register.filter("phone_text", phone_text)
register.filter("phone_tel", phone_e164)
