// The /tasks/ page: start the demo task, then poll its status URL and draw the progress bar.
"use strict";

(function () {
  const box = document.getElementById("task-demo");
  if (!box) {
    return;
  }
  const button = document.getElementById("start-task");
  const bar = document.getElementById("task-progress");
  const text = document.getElementById("task-status");
  const POLL_MS = 500;
  const FINISHED = ["SUCCESS", "FAILURE", "REVOKED"];

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

  async function poll(url) {
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
    } else {
      window.setTimeout(function () { poll(url); }, POLL_MS);
    }
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
    poll(body.status_url);
  });
})();
