// The admin page's live feed: logins, logouts and registrations as they happen, pushed over
// Socket.IO (the account_event event). Only admins' sockets receive them.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  const list = document.getElementById("live-feed");
  const status = document.getElementById("live-feed-status");
  if (!list || typeof window.io !== "function") {
    return;
  }
  const KEEP = 20;
  const WORDS = { login: "logged in", logout: "logged out", register: "registered" };
  // WebSocket only: one connection to one server process, so no sticky sessions are needed.
  const socket = window.io({ transports: ["websocket"] });
  socket.on("connect", function () {
    status.textContent = "Live: new logins, logouts and registrations appear below.";
  });
  socket.on("connect_error", function (error) {
    status.textContent = "Live feed unavailable: " + error.message;
  });
  socket.on("disconnect", function () {
    status.textContent = "Live feed disconnected; reconnecting...";
  });
  socket.on("account_event", function (event) {
    const item = document.createElement("li");
    const time = document.createElement("time");
    time.dateTime = event.at;
    time.textContent = event.at.replace("T", " ").replace("+00:00", " UTC");
    item.append(time, " " + event.email + " " + (WORDS[event.action] || event.action));
    list.prepend(item);
    while (list.children.length > KEEP) {
      list.lastElementChild.remove();
    }
  });
});
