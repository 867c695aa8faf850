// The history page: step through a board's past, or play it, one change at a time.
// The server draws each point (review.at); this only changes which one the image shows.

const PLAY_STEP_MS = 600; // one change shown this long while playing

function start() {
  const root = document.getElementById("review");
  if (!root) return;
  const first = Number(root.dataset.first);
  const last = Number(root.dataset.last);
  const base = root.dataset.svgUrl.replace(/0\.svg$/, "");
  const image = root.querySelector("[data-review=image]");
  const slider = root.querySelector("[data-review=slider]");
  const position = root.querySelector("[data-review=position]");
  const play = root.querySelector("[data-review=play]");
  let seq = last;
  let timer = null;

  function show(next) {
    seq = Math.max(first, Math.min(last, next));
    image.src = `${base}${seq}.svg`;
    slider.value = String(seq);
    position.textContent = position.dataset.template.replace("{seq}", String(seq)).replace("{last}", String(last));
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    play.textContent = play.dataset.playLabel;
    play.setAttribute("aria-pressed", "false");
  }

  const moves = {
    first: () => show(first),
    previous: () => show(seq - 1),
    next: () => show(seq + 1),
    last: () => show(last),
    play: () => {
      if (timer) return stop();
      if (seq >= last) show(first);
      play.textContent = play.dataset.pauseLabel;
      play.setAttribute("aria-pressed", "true");
      timer = setInterval(() => (seq >= last ? stop() : show(seq + 1)), PLAY_STEP_MS);
    },
  };
  for (const [name, move] of Object.entries(moves)) {
    root.querySelector(`[data-review=${name}]`).addEventListener("click", () => {
      if (name !== "play") stop();
      move();
    });
  }
  slider.addEventListener("input", () => {
    stop();
    show(Number(slider.value));
  });
  // Links to a point of the history open it in the viewer rather than as a bare drawing.
  for (const link of document.querySelectorAll("[data-review-seq]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      stop();
      show(Number(link.dataset.reviewSeq));
      root.scrollIntoView({ behavior: "smooth", block: "start" });
    });
  }
}

start();
