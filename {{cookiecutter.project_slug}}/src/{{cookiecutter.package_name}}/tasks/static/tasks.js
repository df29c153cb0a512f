// The /tasks/ page: say whether a worker is listening, start the demo task, then draw its
// progress bar. The progress comes over Socket.IO when the page loads its client (io) and the
// socket connects; otherwise the script polls the task's status URL.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
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
  // Milliseconds to wait for the socket before polling instead.
  const CONNECT_MS = 3000;
  // The latest task_progress event of each task: one can arrive before the start request's
  // answer names the task.
  const latest = new Map();
  let following = null; // the id of the task this page started and shows
  let followingUrl = null; // its status URL
  const live = connect();

  // Resolves to a connected socket, or to null when there is none to be had.
  function connect() {
    if (typeof window.io !== "function") {
      return Promise.resolve(null);
    }
    return new Promise(function (resolve) {
      // WebSocket only: one connection to one server process, so no sticky sessions are needed.
      const socket = window.io({ transports: ["websocket"], reconnection: false });
      const timer = window.setTimeout(function () { socket.close(); resolve(null); }, CONNECT_MS);
      socket.on("connect", function () { window.clearTimeout(timer); resolve(socket); });
      socket.on("connect_error", function () {
        window.clearTimeout(timer);
        socket.close();
        resolve(null);
      });
      socket.on("task_progress", function (state) {
        latest.set(state.task_id, state);
        if (state.task_id === following) {
          follow(state);
        }
      });
      socket.on("disconnect", function () {
        // The socket went away mid-task: poll the rest.
        if (following) {
          poll(followingUrl, Date.now());
          following = null;
        }
      });
    });
  }

  function follow(state) {
    show(state);
    if (FINISHED.includes(state.state)) {
      following = null;
      button.disabled = false;
    }
  }

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
    const socket = await live;
    if (socket && socket.connected) {
      following = body.task_id;
      followingUrl = body.status_url;
      if (latest.has(body.task_id)) {
        follow(latest.get(body.task_id));
      } else {
        text.textContent = "Queued.";
        // No step yet after a while: say whether a worker is listening.
        window.setTimeout(function () {
          if (following === body.task_id && !latest.has(body.task_id)) {
            findWorkers();
          }
        }, WAITING_MS);
      }
    } else {
      poll(body.status_url, Date.now());
    }
  });

  findWorkers();
});
