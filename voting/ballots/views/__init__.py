"""HTML pages of opinion ballots, one blueprint (`ballots`) in three modules: preparing and
approving, reading and answering, following and concluding."""

from voting.ballots.views import concluding, preparing, reading  # noqa: F401  (the routes)
from voting.ballots.views.common import bp

__all__ = ["bp"]
