"""The Redis broker transport: kombu's, made to survive a Redis outage that starts while a task runs.

With celery/kombu 5.7.0 a worker that loses Redis while it holds an unacknowledged message (every job task is acked
late) dies with `Unrecoverable error: AttributeError("'NoneType' object has no attribute 'hostname'")`. On the lost
connection Celery first calls `collect()`, which lets go of the transport (`transport.client = None`), and then
`close()`, which closes the channel once more: the channel restores its unacknowledged messages, builds a new Redis
pool for that, and `_connparams` reads `conninfo.hostname` from the client that is gone (kombu #582 and #970 are the
same read on an already closed connection). When the task finishes after Redis is back, its late ack on that old
channel takes the same path. An AttributeError is not a connection error, so Celery does not retry: the worker exits.

Here a channel whose connection is gone says so with a connection error instead, which Celery and kombu already
handle (the close goes on, the ack is logged as failed). Nothing is lost: the message is still in Redis's unacked
set, which kombu hands out again after the visibility timeout, and a job that already finished is then skipped.
Used for redis:// and rediss:// brokers (CELERY_BROKER_TRANSPORT in imogen/settings.py).
"""
from kombu.transport import redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise RedisConnectionError("the broker connection of this channel was closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(redis.Transport):
    Channel = Channel
