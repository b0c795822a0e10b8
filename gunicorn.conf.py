"""Gunicorn settings for the web processes (gunicorn reads ./gunicorn.conf.py by default).

    gunicorn legal_crm.wsgi -b 127.0.0.1:8000 -w 4 --threads 4 -k gthread
"""

import gc

wsgi_app = "legal_crm.wsgi:application"
pythonpath = "apps"
worker_class = "gthread"
keepalive = 30


def post_worker_init(worker):
    # Everything loaded so far (Django, the apps, their modules) lives as long as the process: freezing it keeps
    # the garbage collector from walking those objects again on every collection of the oldest generation.
    gc.freeze()
