"""A fair, honest queue for slow jobs: round-robin by owner, queue facts, learned time estimates, ready mails.

See docs/queue.md. The pieces:
- `models.FairQueued`: the fields a fairly scheduled job carries, and its fair `claim`;
- `scheduler`: the fair order, `queue_position`, and starting times for every waiting job;
- `estimate`: seconds per unit of work learned from finished jobs on each machine (`WorkRate`);
- `notify`: "email me when it's ready", delivered once through the mailer.
"""
