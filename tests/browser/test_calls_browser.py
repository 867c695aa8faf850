"""Calls in real Chromium with its fake camera and microphone, against a real server: two
participants in a group see each other's video (frames decoded, the picture moving), a move to
another group ends that call and starts the other, and everyone back in the plenary sees the
conductor. Screenshots go to test-artifacts/calls-*.png."""

from __future__ import annotations

import pytest

from tests.browser.test_board_browser import WAIT_MS, Person, people  # noqa: F401 - the people fixture
from tests.browser.test_rooms_browser import conduct, site  # noqa: F401 - the site fixture
from tests.support.browser import FAKE_MEDIA_ARGS, launch_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CALL_WAIT_MS = 20_000  # ICE, DTLS and the first decoded frames on a busy 2-core machine


@pytest.fixture(scope="module")
def browser(playwright):
    """This module's Chromium, with the fake camera and microphone, on the session's driver."""
    chromium = launch_browser(playwright, extra_args=FAKE_MEDIA_ARGS)
    yield chromium
    chromium.close()


def shot(person: Person, name: str) -> None:
    from tests.browser.test_board_browser import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    person.page.screenshot(path=str(ARTIFACTS / f"calls-{name}.png"))


# The remote tiles whose video shows a picture (a decoded frame has a size, and playback runs).
SHOWING = """() => [...document.querySelectorAll('.call-tile:not(.call-tile-me) video')]
    .filter(v => v.videoWidth > 0 && v.currentTime > 0).length"""

FRAMES_DECODED = """async () => {
    let frames = 0;
    for (const link of window.tavoloBoard.call.links.values()) {
        const stats = await link.pc.getStats();
        stats.forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0; });
    }
    return frames;
}"""


DIAGNOSIS = """() => {
    const call = window.tavoloBoard.call;
    return JSON.stringify({mode: call.mode, peer: call.peerId, board: call.boardId,
        peers: [...call.peers.keys()],
        links: [...call.links.entries()].map(([id, l]) => [id, l.pc.connectionState, l.pc.signalingState,
            l.pc.iceConnectionState, [...l.senders.keys()]]),
        videos: [...document.querySelectorAll('.call-tile video')]
            .map(v => [v.videoWidth, v.currentTime, Boolean(v.srcObject)]),
        tracks: call.localStream?.getTracks().map(t => t.kind)});
}"""


def sees_video_from(person: Person, count: int) -> None:
    """`count` remote pictures, each decoding frames and moving on."""
    try:
        person.wait(f"() => ({SHOWING})() === {count}", timeout=CALL_WAIT_MS)
    except Exception:
        print(person.js(DIAGNOSIS))  # the connections' states, for whoever reads the failure
        raise
    times = person.js(
        "() => [...document.querySelectorAll('.call-tile:not(.call-tile-me) video')].map(v => v.currentTime)"
    )
    frames = person.js(FRAMES_DECODED)
    person.page.wait_for_timeout(1000)
    later = person.js(
        "() => [...document.querySelectorAll('.call-tile:not(.call-tile-me) video')].map(v => v.currentTime)"
    )
    assert len(later) == count and all(b > a for a, b in zip(times, later, strict=True)), (
        times,
        later,
    )
    assert person.js(FRAMES_DECODED) > frames > 0


def join_call(person: Person) -> None:
    person.page.click(".call-join")
    person.wait("() => window.tavoloBoard.call.peerId !== null", timeout=CALL_WAIT_MS)


def on_board(person: Person, board_id: int) -> None:
    person.wait(
        f"() => window.tavoloBoard.boardId === {board_id} && window.tavoloBoard.connection.joined"
        f" && window.tavoloBoard.call.boardId === {board_id}",
        timeout=CALL_WAIT_MS,
    )


def move(carla: Person, person: Person, room_id: int) -> None:
    identity = person.js("() => window.tavoloBoard.connection.me.identity")
    carla.page.wait_for_selector(f'select[data-move="{identity}"]', timeout=WAIT_MS)
    carla.page.select_option(f'select[data-move="{identity}"]', str(room_id))


def test_a_group_call_follows_the_moves_and_back_to_plenary(people, site):  # noqa: F811
    board = site["boards"][0]
    carla = people().log_in().open(board)
    bea = people().join("Bea").open(board)
    dario = people().join("Dario").open(board)
    carla.page.click("#conductor-toggle")
    conduct(carla, "open")
    for person in (bea, dario):
        person.page.wait_for_selector("#rooms-bar:not([hidden])", timeout=WAIT_MS)
    conduct(carla, "groups-count")
    carla.page.wait_for_selector(".room-card >> nth=2", timeout=WAIT_MS)
    groups = carla.js(
        "() => window.tavoloBoard.rooms.live.session.rooms.filter(r => !r.is_plenary)"
    )
    marker = bea.js("() => (window.__sameDocument = 'still here')")

    # In the plenary, three people, a mesh: each sees the two others.
    for person in (carla, bea, dario):
        join_call(person)
    sees_video_from(bea, 2)
    assert bea.js("() => window.tavoloBoard.call.mode") == "mesh"
    shot(bea, "1-plenary")

    # Bea and Dario to group 1: their plenary call ends, the group's starts; they see each other.
    move(carla, bea, groups[0]["id"])
    move(carla, dario, groups[0]["id"])
    for person in (bea, dario):
        on_board(person, groups[0]["board_id"])
    sees_video_from(bea, 1)
    sees_video_from(dario, 1)
    carla.wait(f"() => ({SHOWING})() === 0", timeout=CALL_WAIT_MS)  # alone in the plenary now
    shot(bea, "2-group-1")

    # Dario to group 2: the group-1 call ends for both, his new call starts (empty); Bea follows.
    move(carla, dario, groups[1]["id"])
    on_board(dario, groups[1]["board_id"])
    bea.wait(
        "() => document.querySelectorAll('.call-tile:not(.call-tile-me)').length === 0",
        timeout=CALL_WAIT_MS,
    )
    move(carla, bea, groups[1]["id"])
    on_board(bea, groups[1]["board_id"])
    sees_video_from(dario, 1)
    sees_video_from(bea, 1)
    shot(dario, "3-group-2")

    # Everyone back to the plenary: one call of three again, no reload.
    conduct(carla, "back")
    for person in (bea, dario):
        on_board(person, board)
    sees_video_from(bea, 2)
    sees_video_from(carla, 2)
    assert bea.js("() => window.__sameDocument") == marker
    shot(bea, "4-back-in-plenary")
    shot(carla, "4-conductor")


def test_without_a_camera_the_board_stays_usable_and_says_why(people, site):  # noqa: F811
    board = site["boards"][1]
    bea = people().join("Bea")
    bea.set_language("it")
    bea.open(board)
    bea.context.clear_permissions()
    # A browser that refuses the camera and the microphone.
    bea.js(
        """() => { navigator.mediaDevices.getUserMedia = () =>
            Promise.reject(new DOMException('denied', 'NotAllowedError')); }"""
    )
    bea.page.click(".call-join")
    bea.wait("() => window.tavoloBoard.call.peerId !== null", timeout=CALL_WAIT_MS)
    notice = bea.page.locator(".call-notice").inner_text()
    assert "non ha permesso la videocamera" in notice
    bea.page.click("#board-viewport")
    bea.new_sticky_by_keyboard("Si lavora anche senza videocamera")
    bea.wait_settled()
    assert any(i["fields"].get("text") == "Si lavora anche senza videocamera" for i in bea.shown())
    shot(bea, "5-no-camera-it")


SLOW_ANSWER_MS = 1500  # a join's answer held back this long, as on a slow link or a busy server

# Every call_join's answer reaches the call client SLOW_ANSWER_MS late; window.joinsAsked counts them.
SLOW_JOIN_ANSWERS = f"""() => {{
    const call = window.tavoloBoard.call;
    const emit = call.emit.bind(call);
    window.joinsAsked = 0;
    call.emit = (event, payload) => {{
        if (event !== 'call_join') return emit(event, payload);
        window.joinsAsked += 1;
        return emit(event, payload).then((ack) =>
            new Promise((resolve) => setTimeout(() => resolve(ack), {SLOW_ANSWER_MS})));
    }};
}}"""

OTHERS_TILES = """() => [...document.querySelectorAll('.call-tile:not(.call-tile-me)')]
    .map((tile) => tile.dataset.peerId)"""


def test_one_peer_per_person_through_a_reveal_a_slow_answer_and_a_hang_up(people, site):  # noqa: F811
    """The server keeps one peer per socket. A re-join of the board (a reveal after private
    writing) keeps the call as it is; a re-join while the join's answer is on its way makes no
    second peer, nor a tile of oneself; a hang-up before the answer leaves no peer behind."""
    board = site["boards"][1]
    carla = people().log_in().open(board)
    dario = people().join("Dario").open(board)
    join_call(carla)
    join_call(dario)
    carla.wait(f"() => ({OTHERS_TILES})().length === 1", timeout=CALL_WAIT_MS)
    first = dario.js("() => window.tavoloBoard.call.peerId")

    def rejoin_board() -> None:
        dario.js("() => window.tavoloBoard.connection.resync()")
        dario.wait("() => window.tavoloBoard.state.loaded && window.tavoloBoard.connection.joined")

    def settled() -> None:
        dario.page.wait_for_timeout(SLOW_ANSWER_MS + 1000)  # every answer and its aftermath in

    # A reveal re-joins the board on the same socket: the same peer, nothing new for the others.
    rejoin_board()
    settled()
    assert dario.js("() => window.tavoloBoard.call.peerId") == first
    assert carla.js(OTHERS_TILES) == [first]

    # Out of the call, then in again with a slow answer and a reveal before it arrives.
    dario.page.click(".call-join")  # leave
    carla.wait(f"() => ({OTHERS_TILES})().length === 0", timeout=CALL_WAIT_MS)
    dario.js(SLOW_JOIN_ANSWERS)
    dario.page.click(".call-join")
    dario.wait("() => window.tavoloBoard.call.joining !== null")
    rejoin_board()
    dario.wait("() => window.tavoloBoard.call.peerId !== null", timeout=CALL_WAIT_MS)
    settled()
    second = dario.js("() => window.tavoloBoard.call.peerId")
    assert dario.js("() => window.joinsAsked") == 1
    assert dario.js(OTHERS_TILES) == [carla.js("() => window.tavoloBoard.call.peerId")]
    assert second not in dario.js("() => [...window.tavoloBoard.call.peers.keys()]")
    assert carla.js(OTHERS_TILES) == [second]

    # A hang-up before the join's answer: nobody is left in the call in Dario's name.
    dario.page.click(".call-join")  # leave
    carla.wait(f"() => ({OTHERS_TILES})().length === 0", timeout=CALL_WAIT_MS)
    dario.page.click(".call-join")
    dario.wait("() => window.tavoloBoard.call.joining !== null")
    dario.page.click(".call-join")  # leave before the answer
    settled()
    assert dario.js("() => window.tavoloBoard.call.peerId") is None
    assert carla.js(OTHERS_TILES) == []
    shot(carla, "6-after-a-hang-up-before-the-answer")


# Each description (offer, answer) that reaches this page waits DESCRIPTION_LAG_MS; candidates
# do not: as when the server forwards a small candidate before the description sent ahead of it.
DESCRIPTION_LAG_MS = 800
CANDIDATES_OVERTAKE = f"""() => {{
    const socket = window.tavoloBoard.connection.socket;
    const [handle] = socket.listeners('call_signalled');
    socket.off('call_signalled', handle);
    socket.on('call_signalled', (payload) => payload.description
        ? setTimeout(() => handle(payload), {DESCRIPTION_LAG_MS}) : handle(payload));
}}"""


def test_candidates_that_overtake_their_description_still_connect(people, site):  # noqa: F811
    """The server forwards each signal on its own (with the calls' registry in Redis, each
    waits for it), so a candidate can reach a peer before the offer or answer sent ahead of
    it. Both sides here get every description late: the candidates wait for it, and the two
    see each other."""
    board = site["boards"][1]
    carla = people().log_in().open(board)
    bea = people().join("Bea").open(board)
    for person in (carla, bea):
        person.js(CANDIDATES_OVERTAKE)
        join_call(person)
    sees_video_from(bea, 1)
    sees_video_from(carla, 1)
