/* The call window and the incoming-call pop-up of the desk (telephony).
 *
 * A «Позвонить» form ([data-telephony-call]) is posted in the background; the answer is the call's state, shown in a
 * small window that polls it every second: «Вызов» → «Разговор 0:42» (counted locally between polls) → the result
 * and comment form. The desk long-polls /admin/telephony/call/live/ for calls ringing at the user's extension
 * (answered as soon as one rings) and shows the caller's cards, or «Новый номер» with one click to create a lead. Texts come from the
 * server (already translated). A user without telephony rights gets the script as `call_window.js?live=0`
 * (telephony.desk.call_window_script) and does not poll; a 403 or 401 later (rights taken away, signed out) stops it.
 */
(function () {
  "use strict";
  var LIVE_URL = "/admin/telephony/call/live/";
  var LIVE = !/[?&]live=0(&|$)/.test((document.currentScript && document.currentScript.src) || "");
  var WAIT = 25;  // seconds the server may hold a long-poll (it caps this at settings.TELEPHONY_LIVE_WAIT)
  var liveVersion = "";
  var labels = {};
  var win = null, current = null, poll = null, tick = null, livePoll = null, shownIncoming = {};
  var notice = null;  // what the last hang-up press met, shown until the call's state changes: {id, state, text}

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : (m ? decodeURIComponent(m[1]) : "");
  }
  function post(url, data) {
    var body = new URLSearchParams(data || {});
    return fetch(url, {method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": csrf(), "Accept": "application/json"}});
  }
  // A post's answer as {ok, data}. What is not JSON — the desk's «Сервис временно недоступен» page (503), a proxy's
  // 502, the login page after the session ended — becomes a message instead of a broken promise (the button did
  // nothing); no answer at all is «offline».
  function answer(r) {
    var failed = {ok: false, data: {detail: r.status >= 500
      ? t("unavailable", "Сервер не ответил. Повторите через минуту.")
      : t("refused", "Запрос не принят. Обновите страницу и повторите.")}};
    if ((r.headers.get("Content-Type") || "").indexOf("application/json") === -1) return failed;
    return r.json().then(function (data) { return {ok: r.ok, data: data}; }, function () { return failed; });
  }
  function offline() { return {ok: false, data: {detail: t("offline", "Нет связи с сервером.")}}; }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function clock(s) { s = Math.max(0, s | 0); return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2); }
  function t(key, fallback) { return labels[key] || fallback; }

  function box(id) {
    var node = document.getElementById(id);
    if (node) return node;
    node = el("div", {id: id, role: "dialog", "aria-live": "polite",
      style: "position:fixed;right:1rem;bottom:1rem;z-index:1000;min-width:18rem;max-width:24rem;padding:1rem;" +
             "background:#fff;color:#111827;border:1px solid #d1d5db;border-radius:.5rem;box-shadow:0 10px 25px rgba(0,0,0,.15)"});
    document.body.appendChild(node);
    return node;
  }

  function showError(text) {
    var node = box("telephony-call-window");
    node.replaceChildren(el("b", {}, t("error_title", "Звонок не начат")), el("p", {"data-call-error": ""}, text));
    var close = el("button", {type: "button", class: "lc-btn"}, t("close", "Закрыть"));
    close.addEventListener("click", function () { node.remove(); });
    node.appendChild(close);
  }

  function render(call) {
    current = call;
    if (call.labels) labels = call.labels;
    win = box("telephony-call-window");
    win.setAttribute("data-call-id", call.id);
    win.setAttribute("data-state", call.state);
    var head = el("div", {}, "");
    head.appendChild(el("b", {}, call.phone + " "));
    var status = el("span", {"data-call-status": ""}, call.state === "ended"
      ? (call.result_label || call.state_label) : call.state_label);
    head.appendChild(status);
    var parts = [head];
    if (call.state === "talking" || (call.state === "ended" && call.talk_seconds)) {
      parts.push(el("div", {"data-call-timer": "", style: "font-size:1.5rem;font-variant-numeric:tabular-nums"},
        clock(call.talk_seconds)));
    }
    if (call.error) parts.push(el("p", {style: "color:#dc2626"}, call.error));
    if (notice && notice.id === call.id && notice.state === call.state) {
      parts.push(el("p", {style: "color:#dc2626", "data-call-notice": ""}, notice.text));
    }
    if (call.state !== "ended") {
      var hang = el("button", {type: "button", class: "lc-btn", "data-call-hangup": ""}, t("hangup", "Положить трубку"));
      hang.addEventListener("click", function () {
        post(call.hangup_url).then(answer, offline).then(function (res) {
          notice = res.ok ? null : {id: call.id, state: call.state, text: res.data.detail};
          if (res.ok) { render(res.data); } else if (current && current.id === call.id) { render(current); }
        });
      });
      parts.push(hang);
    } else if (!call.outcome && call.result !== "failed") {
      parts.push(resultForm(call));
    } else {
      var close = el("button", {type: "button", class: "lc-btn"}, t("close", "Закрыть"));
      close.addEventListener("click", function () { win.remove(); win = null; });
      parts.push(close);
    }
    win.replaceChildren.apply(win, parts);
    schedule(call);
  }

  function resultForm(call) {
    var form = el("form", {"data-call-result": ""});
    var select = el("select", {name: "outcome", required: "", class: "lc-input"});
    select.appendChild(el("option", {value: ""}, t("choose", "— результат —")));
    (labels.choices || []).forEach(function (pair) { select.appendChild(el("option", {value: pair[0]}, pair[1])); });
    var comment = el("input", {name: "comment", class: "lc-input", placeholder: t("comment", "Комментарий"), maxlength: "1000"});
    var save = el("button", {type: "submit", class: "lc-btn"}, t("save", "Сохранить"));
    var note = el("p", {style: "color:#dc2626"});
    form.append(select, comment, save, note);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      post(call.result_url, {outcome: select.value, comment: comment.value}).then(answer, offline).then(function (res) {
        if (!res.ok) { note.textContent = res.data.detail; return; }
        win.remove(); win = null; current = null;
        window.location.reload();  // the call is on the card's timeline now
      });
    });
    return form;
  }

  function schedule(call) {
    clearTimeout(poll); clearInterval(tick);
    if (call.state === "ended") return;
    var started = Date.now(), base = call.talk_seconds;
    if (call.state === "talking") {
      tick = setInterval(function () {
        var timer = win && win.querySelector("[data-call-timer]");
        if (timer) timer.textContent = clock(base + (Date.now() - started) / 1000);
      }, 1000);
    }
    poll = setTimeout(function () {
      fetch(call.state_url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) {
          if (r.ok) return r.json();
          // The server busy or down for a moment (a 503): ask again, or the window would stay at «Разговор» after
          // the call ended. A refusal (signed out, no rights, no such call) ends the polling.
          if (r.status >= 500 && current && current.id === call.id) schedule(call);
          return null;
        })
        .then(function (data) { if (data && current && data.id === current.id) render(data); })
        .catch(function () { schedule(call); });
    }, 1000);
  }

  // «Позвонить» posted (a form or a button): the call's window, or why it did not start.
  function startCall(url, data) {
    post(url, data).then(answer, offline)
      .then(function (res) { if (res.ok) { render(res.data); } else { showError(res.data.detail); } });
  }

  function showIncoming(call) {
    var node = box("telephony-incoming");
    node.setAttribute("data-call-id", call.id);
    var parts = [el("b", {}, t("incoming", "Входящий звонок") + ": " + call.phone)];
    if (call.cards && call.cards.length) {
      call.cards.forEach(function (card) {
        var row = el("div", {});
        row.appendChild(el("a", {href: card.url, class: "text-primary-600", "data-caller-card": card.kind}, card.title));
        if (card.subtitle) row.appendChild(el("div", {class: "lc-muted"}, card.subtitle));
        parts.push(row);
      });
    } else {
      parts.push(el("div", {"data-caller-new": ""}, t("new_number", "Новый номер")));
      if (call.new_lead_url) {
        var form = el("form", {method: "post", action: call.new_lead_url});
        form.appendChild(el("input", {type: "hidden", name: "csrfmiddlewaretoken", value: csrf()}));
        form.appendChild(el("button", {type: "submit", class: "lc-btn"}, t("create_lead", "Создать лид")));
        parts.push(form);
      }
    }
    var close = el("button", {type: "button", class: "lc-btn"}, t("close", "Закрыть"));
    close.addEventListener("click", function () { node.remove(); });
    parts.push(close);
    node.replaceChildren.apply(node, parts);
  }

  function pollLive() {
    if (document.hidden) { livePoll = setTimeout(pollLive, 3000); return; }
    // Long-poll: the server holds the request until a call at the user's extension changes (or WAIT seconds),
    // so a ringing call shows within a fraction of a second; without a version the server cannot wait: poll.
    var url = LIVE_URL + (liveVersion ? "?since=" + encodeURIComponent(liveVersion) + "&wait=" + WAIT : "");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) {
        if (r.status === 403 || r.status === 401) throw new Error("stop");
        if (!r.ok) { liveVersion = ""; livePoll = setTimeout(pollLive, 3000); return null; }
        return r.json();
      })
      .then(function (data) {
        if (!data) return;
        liveVersion = data.version || "";
        labels = data.labels || labels;
        labels.choices = data.choices || labels.choices;
        var ringing = (data.calls || []).filter(function (c) { return c.direction === "in"; });
        ringing.forEach(function (c) {
          if (!shownIncoming[c.id]) { shownIncoming[c.id] = true; showIncoming(c); }
        });
        var out = (data.calls || []).filter(function (c) { return c.direction === "out"; })[0];
        if (out && !current) render(out);  // a call started in another tab, or before the page was reloaded
        livePoll = setTimeout(pollLive, liveVersion ? 0 : 2000);
      })
      .catch(function (err) {
        // no telephony for this user, or signed out: stop; the network or the server down: try again later
        if (!err || err.message !== "stop") { liveVersion = ""; livePoll = setTimeout(pollLive, 5000); }
      });
  }

  // Buttons where a form cannot be (inside a list's own form): the subject and id on the button.
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("[data-telephony-call-subject]");
    if (!button || !window.fetch) return;
    ev.preventDefault();
    startCall("/admin/telephony/call/start/", {subject: button.getAttribute("data-telephony-call-subject"),
      id: button.getAttribute("data-telephony-call-id")});
  });
  document.addEventListener("submit", function (ev) {
    var form = ev.target.closest && ev.target.closest("form[data-telephony-call]");
    if (!form || !window.fetch) return;
    ev.preventDefault();
    startCall(form.action, new FormData(form));
  });
  if (!LIVE) return;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", pollLive);
  } else {
    pollLive();
  }
})();
