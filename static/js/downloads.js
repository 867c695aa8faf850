// Large downloads (PDF, PNG, DOCX, XLSX, ZIP) are prepared by a worker, not by the server that
// keeps the boards live (workshop/jobs). A link marked `data-job` still works without this
// module (the server waits for the file); with it, the page asks for the file (POST), shows
// a progress line while it polls the job, then downloads the file. Words come from the
// #download-status element, translated by the template.

const POLL_INTERVAL_MS = 1000;
const DONE_LINE_VISIBLE_MS = 8000;
const MAX_POLLS = 600; // ten minutes: longer than any job may run (JOB_TIMEOUT_S)

function csrfToken() {
  return document.querySelector('input[name="csrf_token"]')?.value ?? "";
}

function say(panel, key, name) {
  return (panel.dataset[key] ?? "").replace("{name}", name);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return {};
  }
}

/** One download: a line with a progress bar in the panel, until the file is on its way. */
async function follow(link, panel) {
  const name = link.dataset.jobName || link.textContent.trim();
  const line = document.createElement("div");
  line.className = "download-item";
  const text = document.createElement("p");
  const bar = document.createElement("progress"); // no value: "working", no false percentage
  line.append(text, bar);
  panel.append(line);
  panel.hidden = false;
  text.textContent = say(panel, "queued", name);

  const finish = (message, failed) => {
    text.textContent = message;
    bar.remove();
    line.classList.toggle("download-failed", failed);
    if (failed) {
      line.setAttribute("role", "alert");
    }
    setTimeout(() => {
      line.remove();
      panel.hidden = panel.children.length === 0;
    }, DONE_LINE_VISIBLE_MS);
  };

  try {
    const started = await fetch(link.href, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      credentials: "same-origin",
    });
    const job = await readJson(started);
    if (started.status !== 202) {
      finish(job.message || say(panel, "failed", name), true);
      return;
    }
    for (let n = 0; n < MAX_POLLS; n += 1) {
      const polled = await fetch(job.status_url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const status = await readJson(polled);
      if (!polled.ok) {
        finish(status.message || say(panel, "failed", name), true);
        return;
      }
      if (status.state === "done") {
        finish(say(panel, "ready", name), false);
        window.location.assign(status.file_url); // an attachment: the page stays
        return;
      }
      if (status.state === "failed") {
        finish(status.message || say(panel, "failed", name), true);
        return;
      }
      text.textContent = say(panel, status.state === "running" ? "running" : "queued", name);
      await sleep(POLL_INTERVAL_MS);
    }
    finish(say(panel, "failed", name), true);
  } catch {
    finish(say(panel, "offline", name), true);
  }
}

export function enableJobDownloads(root) {
  const panel = document.getElementById("download-status");
  if (!panel) {
    return;
  }
  const inFlight = new WeakSet();
  root.addEventListener("click", (event) => {
    const link = event.target.closest?.("a[data-job]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    if (inFlight.has(link)) {
      return; // already being prepared: one click is enough
    }
    inFlight.add(link);
    follow(link, panel).finally(() => inFlight.delete(link));
  });
}
