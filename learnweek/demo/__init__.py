"""The demo of `make demo`: the top of the import order, beside the front doors.

It is the only place that knows every domain app's demo data (`accounts.demo`, `activities.demo`,
`nominations.demo`, `materials.demo`, `reading.demo`) and loads them in order; each of those
modules imports only its own app and the apps below it, so no domain app reaches up to another
for the demo.
"""
