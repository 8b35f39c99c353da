// Live pages: subscribe to the page's topics over /api/v1/live and, on a change, refresh its live regions in place.
// Topics come from every element naming some: the page's main content, and the header's inbox count.
(function () {
  "use strict";
  var topics = [];
  document.querySelectorAll("[data-live-topics]").forEach(function (element) {
    topics = topics.concat(element.getAttribute("data-live-topics").split(/\s+/).filter(Boolean));
  });
  if (!topics.length) { return; }
  var status = document.getElementById("live-status");
  var statusText = status && status.querySelector(".live-status__text");
  var announcer = document.getElementById("live-announcer");
  var positions = {};
  var attempts = 0;
  var socket = null;
  var timer = null;
  var fetching = false;
  var again = false;
  var connectedOnce = false;

  function show(state, text) {
    if (!status) { return; }
    status.setAttribute("data-state", state);
    statusText.textContent = text;
  }

  function dirty(region) {
    if (region.contains(document.activeElement) && document.activeElement !== document.body) { return true; }
    var fields = region.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === "checkbox" || f.type === "radio") { if (f.checked !== f.defaultChecked) { return true; } }
      else if (f.tagName === "SELECT") {
        for (var j = 0; j < f.options.length; j++) { if (f.options[j].selected !== f.options[j].defaultSelected) { return true; } }
      } else if (f.type !== "hidden" && f.value !== f.defaultValue) { return true; }
    }
    return false;
  }

  function refresh() {
    if (fetching) { again = true; return; }
    fetching = true;
    fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" }, cache: "no-store" })
      .then(function (response) {
        if (response.redirected && /\/sign-in/.test(response.url)) { show("offline", "Offline: sign in again"); throw new Error("signed out"); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var changed = [];
        document.querySelectorAll("[data-live-region][id]").forEach(function (region) {
          var next = fresh.getElementById(region.id);
          if (!next || next.innerHTML === region.innerHTML) { return; }
          if (dirty(region)) { region.setAttribute("data-live-stale", ""); return; }
          var opened = Array.prototype.map.call(region.querySelectorAll("details[id][open]"), function (d) { return d.id; });
          region.innerHTML = next.innerHTML;
          opened.forEach(function (id) { var d = document.getElementById(id); if (d && region.contains(d)) { d.open = true; } });
          region.classList.remove("live-updated");
          void region.offsetWidth;
          region.classList.add("live-updated");
          changed.push(region.getAttribute("data-live-label") || "the page");
        });
        if (changed.length && announcer) { announcer.textContent = "Updated: " + changed.join(", ") + "."; }
      })
      .catch(function () { /* the next update or reconnect tries again */ })
      .then(function () {
        fetching = false;
        if (again) { again = false; refresh(); }
      });
  }

  function subscribe() {
    topics.forEach(function (topic) {
      var after = Object.prototype.hasOwnProperty.call(positions, topic) ? positions[topic] : null;
      socket.send(JSON.stringify({ type: "subscribe", topic: topic, after: after }));
    });
  }

  function connect() {
    clearTimeout(timer);
    if (socket) { return; }
    if (!navigator.onLine) { show("offline", "Offline"); return; }
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/live";
    var current;
    try { current = socket = new WebSocket(url); } catch (e) { retry(); return; }
    socket.addEventListener("open", function () {
      attempts = 0;
      show("live", "Live");
      subscribe();
      if (connectedOnce) { refresh(); }
      connectedOnce = true;
    });
    socket.addEventListener("message", function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.position !== undefined && message.position !== null) { positions[message.topic] = message.position; }
      if (message.type === "update" || message.type === "resync") { refresh(); }
      else if (message.type === "refused") { show("offline", "Not live: " + (message.reason || "refused")); }
      else if (message.type === "revoked") {  // no longer ours to follow: not asked for again, and the page reread
        topics = topics.filter(function (topic) { return topic !== message.topic; });
        show("offline", "Not live: " + (message.reason || "no longer yours to follow"));
        refresh();
      }
    });
    socket.addEventListener("close", function (event) {
      if (socket !== current) { return; }  // a socket already let go of: its close must not start a second one
      socket = null;
      if (event.code === 1008) { show("offline", "Offline: " + (event.reason || "sign in again")); return; }
      retry();
    });
    socket.addEventListener("error", function () { /* close follows */ });
  }

  function retry() {
    attempts += 1;
    if (!navigator.onLine) { show("offline", "Offline"); return; }
    show(attempts > 5 ? "offline" : "reconnecting", attempts > 5 ? "Offline: trying again" : "Reconnecting…");
    var delay = Math.min(30000, 500 * Math.pow(2, attempts - 1)) * (0.75 + Math.random() * 0.5);
    timer = setTimeout(connect, delay);
  }

  // Gone offline, the browser may keep a socket that no longer carries anything: let it go, and start afresh online.
  function disconnect() {
    clearTimeout(timer);
    if (!socket) { return; }
    var old = socket;
    socket = null;
    old.close();
  }

  document.addEventListener("focusout", function () {
    setTimeout(function () {
      if (document.querySelector("[data-live-stale]")) {
        document.querySelectorAll("[data-live-stale]").forEach(function (r) { r.removeAttribute("data-live-stale"); });
        refresh();
      }
    }, 0);
  });
  window.addEventListener("online", function () { attempts = 0; connect(); });
  window.addEventListener("offline", function () { disconnect(); show("offline", "Offline"); });
  connect();
})();
