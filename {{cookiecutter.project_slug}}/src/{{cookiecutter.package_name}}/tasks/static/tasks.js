// The /tasks/ page: say whether a worker is listening, start the demo task, then poll its
// status URL and draw the progress bar.
"use strict";

(function () {
  const box = document.getElementById("task-demo");
  if (!box) {
    return;
  }
  const button = document.getElementById("start-task");
  const bar = document.getElementById("task-progress");
  const text = document.getElementById("task-status");
  const workers = document.getElementById("task-workers");
  const noWorker = document.getElementById("no-worker");
  const POLL_MS = 500;
  // A task still PENDING after this long is waiting for a worker: look for one again.
  const WAITING_MS = 3000;
  const FINISHED = ["SUCCESS", "FAILURE", "REVOKED"];

  async function findWorkers() {
    try {
      const response = await fetch(workers.dataset.url, { headers: { Accept: "application/json" } });
      const body = await response.json();
      if (!response.ok) {
        workers.textContent = "Error: " + (body.error || response.status);
        return;
      }
      noWorker.hidden = body.workers.length > 0;
      workers.textContent = body.workers.length
        ? (body.workers.length > 1 ? "Workers" : "Worker") + " listening: " + body.workers.join(", ") + "."
        : "No worker is listening.";
    } catch (error) {
      workers.textContent = "Could not look for workers: " + error;
    }
  }

  function show(state) {
    const total = state.total || 1;
    bar.max = total;
    bar.value = state.current || 0;
    const percent = Math.round((100 * (state.current || 0)) / total);
    let message = state.state + ": " + percent + "% (" + (state.current || 0) + "/" + total + ")";
    if (state.state === "SUCCESS") {
      message = "SUCCESS: 100% - " + state.result;
    } else if (state.error) {
      message = state.state + ": " + state.error;
    }
    text.textContent = message;
  }

  async function poll(url, pendingSince) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const state = await response.json();
    if (!response.ok) {
      text.textContent = "Error: " + (state.error || response.status);
      button.disabled = false;
      return;
    }
    show(state);
    if (FINISHED.includes(state.state)) {
      button.disabled = false;
      return;
    }
    let since = state.state === "PENDING" ? pendingSince : Date.now();
    if (Date.now() - since > WAITING_MS) {
      findWorkers();
      since = Date.now();
    }
    window.setTimeout(function () { poll(url, since); }, POLL_MS);
  }

  button.addEventListener("click", async function () {
    button.disabled = true;
    text.textContent = "Starting...";
    const response = await fetch(box.dataset.startUrl, {
      method: "POST",
      headers: { "X-CSRFToken": box.dataset.csrfToken, Accept: "application/json" },
    });
    const body = await response.json();
    if (response.status !== 202) {
      text.textContent = "Error: " + (body.error || response.status);
      button.disabled = false;
      return;
    }
    poll(body.status_url, Date.now());
  });

  findWorkers();
})();
