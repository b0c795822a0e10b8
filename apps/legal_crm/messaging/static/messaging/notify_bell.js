/* The desk's bell: polls the small JSON endpoint every 30 s (not while the tab is hidden; at once when it shows
   again), updates the count and the dropdown without a reload; «отметить прочитанными» marks all unread. */
(function () {
  "use strict";
  const bell = document.getElementById("notification-bell");
  if (!bell) return;
  const PERIOD = (parseInt(bell.dataset.period, 10) || 30) * 1000;
  const countEl = document.getElementById("notification-count");
  const list = document.getElementById("notification-items");
  const emptyText = document.getElementById("notification-empty-text").innerHTML;
  let timer = null;

  function render(data) {
    const n = data.unread || 0;
    countEl.dataset.count = String(n);
    countEl.textContent = n >= 100 ? "99+" : String(n);
    countEl.classList.toggle("hidden", n === 0);
    list.replaceChildren();
    if (!data.items.length) {
      const li = document.createElement("li");
      li.className = "px-3 py-2 text-base-500 notification-empty";
      li.innerHTML = emptyText;
      list.appendChild(li);
      return;
    }
    data.items.forEach(function (item) {
      const li = document.createElement("li");
      li.className = "px-3 py-2 notification-item";
      li.dataset.id = String(item.id);
      const title = document.createElement(item.link ? "a" : "div");
      title.className = "font-medium block" + (item.link ? " text-primary-600" : "");
      if (item.link) title.href = item.link;
      title.textContent = item.title;
      const text = document.createElement("div");
      text.className = "text-sm text-base-600 dark:text-base-300";
      text.textContent = item.text;
      const at = document.createElement("div");
      at.className = "text-xs text-base-400";
      at.textContent = item.at;
      li.append(title, text, at);
      list.appendChild(li);
    });
  }

  function poll() {
    fetch(bell.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) render(data); })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  function start() {
    if (timer === null) timer = window.setInterval(poll, PERIOD);
  }

  function stop() {
    if (timer !== null) { window.clearInterval(timer); timer = null; }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { stop(); } else { poll(); start(); }
  });

  document.getElementById("notification-mark-read").addEventListener("click", function () {
    // no ids: every unread one, also those beyond the dropdown's latest
    fetch(bell.dataset.readUrl, {method: "POST", credentials: "same-origin",
                                 headers: {"X-CSRFToken": bell.dataset.csrf, "Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) render(data); });
  });

  poll();
  if (!document.hidden) start();
})();
