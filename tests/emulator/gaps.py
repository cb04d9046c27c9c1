"""Fills the gaps moto 5.2.5 has for this provider's call flow (shared/reference/feasibility.md
§2). Each patch is named after the AWS behaviour it supplies. Imported by launcher.py before the
server starts; moto looks actions up on its response classes per request, so functions attached
here are served like moto's own.
"""
