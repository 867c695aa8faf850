"""Issue 19: one participant can no longer freeze the server with heavy downloads. A real server
(gevent, the default worker pool) gets eight PDF/PNG/DOCX downloads at once while a bystander
writes on a board through a socket: every file arrives, the bystander is served, no socket drops.
The figures (ack p50/p99, before and after) are bench/jobs.py's; run with -s to see them here."""

from __future__ import annotations

import pytest

from tests.support import heavy_downloads
from tests.support.real_board import server_log_problems

pytestmark = pytest.mark.slow

# Generous: a shared CI machine is noisy. With the render on the event loop the bystander waited
# seconds (12.6 s with three PDFs in the attack report; 3.6 s here with eight smaller ones).
BYSTANDER_MAX_ACK_MS = 2_000


def test_eight_downloads_leave_the_bystander_served_and_every_socket_up(tmp_path):
    log = tmp_path / "server.log"
    figures = heavy_downloads.run(tmp_path / "run", "process", log_path=log)
    print("\n", figures.summary())
    assert figures.downloads_ok() == heavy_downloads.DOWNLOADS, figures.downloads
    assert figures.refused == []
    # Kept writing all along: at least 4 acks in 5 of what its rhythm asks for while the files
    # render (faster renders, fewer acks: under gevent the eight took 1.5 s, not 2.5 s).
    expected = figures.wall_s / heavy_downloads.BYSTANDER_PERIOD_S
    assert len(figures.acks_ms) >= 0.8 * expected, ("the bystander kept writing", expected)
    assert max(figures.acks_ms) < BYSTANDER_MAX_ACK_MS, figures.summary()
    assert figures.disconnects == []
    assert server_log_problems(log) == []
